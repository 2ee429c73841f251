package nanofaas

// Names and numbers of the pod contract (docs/runtime-contract.md), as the other runtimes spell them.
const (
	headerExecutionID     = "X-Execution-Id"
	headerDispatchAttempt = "X-Dispatch-Attempt"
	headerTraceID         = "X-Trace-Id"
	headerTraceparent     = "traceparent"
	headerCallbackURL     = "X-Callback-Url"
	headerCallbackToken   = "X-Callback-Token"
	headerColdStart       = "X-Cold-Start"
	headerInitDurationMs  = "X-Init-Duration-Ms"

	codeBadRequest          = "BAD_REQUEST"
	codeInvalidJSON         = "INVALID_JSON"
	codeInvalidRequest      = "INVALID_REQUEST"
	codeExecutionIDRequired = "EXECUTION_ID_REQUIRED"
	codeHandlerError        = "HANDLER_ERROR"
	codeHandlerTimeout      = "HANDLER_TIMEOUT"
	codeInvalidOutput       = "INVALID_OUTPUT"
	codeNotFound            = "NOT_FOUND"

	statusBadRequest     = 400
	statusHandlerError   = 500
	statusHandlerTimeout = 504

	defaultPort      = 8080
	defaultTimeoutMs = 30_000
	callbackMaxTries = 3
)

// Wait before try n+1 of a callback; no wait follows the last try.
var callbackRetryDelaysMs = []int{100, 500}

func isRetryableCallbackStatus(status int) bool {
	return status >= 500 || status == 408 || status == 429
}
