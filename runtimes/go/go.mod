module nanofaas.dev/runtime

go 1.19
