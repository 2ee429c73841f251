package nanofaas

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// processStart is as close to the process's start as Go code gets (package initialisation).
var processStart = time.Now()

// Callback delivery needs at most 3 tries × 5 s plus backoff; beyond that shutdown stops waiting.
const callbackFlush = 16 * time.Second

func environment() map[string]string {
	env := map[string]string{}
	for _, pair := range os.Environ() {
		if key, value, ok := strings.Cut(pair, "="); ok {
			env[key] = value
		}
	}
	return env
}

// Start serves handler until SIGTERM or SIGINT, then drains in-flight invocations and pending
// callbacks and exits 0 (1 when the drain outlives TIMEOUT_MS + 1 s). Call it last in main, after
// the handler's own initialisation: the time until then is reported as X-Init-Duration-Ms.
func Start(handler Handler) {
	os.Exit(serve(handler, environment()))
}

func serve(handler Handler, env map[string]string) int {
	log := newLogger(stdout)
	settings, err := LoadSettings(env)
	if err != nil {
		log.Error("invalid runtime settings", "error", err.Error())
		return 1
	}
	initMs := time.Since(processStart).Milliseconds()
	rt := newRuntime(handler, settings, initMs, stdout)
	// Installed before the port opens: whoever starts us may signal the moment we announce it.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	listener, err := net.Listen("tcp", net.JoinHostPort("0.0.0.0", strconv.Itoa(settings.Port)))
	if err != nil {
		rt.log.Error("cannot listen", "error", err.Error())
		return 1
	}
	server := &http.Server{Handler: rt, ReadHeaderTimeout: 30 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	rt.log.Info("listening", "port", listener.Addr().(*net.TCPAddr).Port, "timeoutMs", settings.TimeoutMs, "initDurationMs", initMs)
	select {
	case sig := <-signals:
		return rt.shutdown(server, sig.String())
	case err := <-served:
		rt.log.Error("server stopped", "error", err.Error())
		return 1
	}
}

func (rt *runtime) shutdown(server *http.Server, signalName string) int {
	rt.log.Info("shutting down", "signal", signalName)
	rt.draining.Store(true)
	grace := time.Duration(rt.settings.TimeoutMs)*time.Millisecond + time.Second
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	// Shutdown closes the listener and idle connections, then waits for in-flight responses.
	err := server.Shutdown(ctx)
	rt.callbacks.flush(callbackFlush)
	if errors.Is(err, context.DeadlineExceeded) {
		rt.log.Error("shutdown grace exceeded; exiting")
		return 1
	}
	rt.log.Info("stopped")
	return 0
}
