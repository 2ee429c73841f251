package nanofaas

import (
	"fmt"
	"strings"
	"sync"
)

// metrics are the Bun and Python runtimes' series, in Prometheus text format.
type metrics struct {
	mu               sync.Mutex
	successes        int64
	failures         int64
	inFlight         int64
	timeouts         int64
	coldStarts       int64
	callbackFailures int64
	durationSum      float64
}

func (m *metrics) started() {
	m.mu.Lock()
	m.inFlight++
	m.mu.Unlock()
}

func (m *metrics) finished(success, timedOut bool, seconds float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.inFlight--
	if success {
		m.successes++
	} else {
		m.failures++
	}
	if timedOut {
		m.timeouts++
	}
	m.durationSum += seconds
}

func (m *metrics) add(counter *int64) {
	m.mu.Lock()
	*counter++
	m.mu.Unlock()
}

func (m *metrics) render() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	series := func(name, kind, help string, lines ...string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
		for _, line := range lines {
			b.WriteString(line + "\n")
		}
	}
	series("runtime_invocations_total", "counter", "Invocations handled, by outcome.",
		fmt.Sprintf(`runtime_invocations_total{success="true"} %d`, m.successes),
		fmt.Sprintf(`runtime_invocations_total{success="false"} %d`, m.failures))
	series("runtime_invocation_duration_seconds", "summary", "Handler duration.",
		fmt.Sprintf("runtime_invocation_duration_seconds_sum %g", m.durationSum),
		fmt.Sprintf("runtime_invocation_duration_seconds_count %d", m.successes+m.failures))
	series("runtime_in_flight", "gauge", "Invocations running now.", fmt.Sprintf("runtime_in_flight %d", m.inFlight))
	series("runtime_timeouts_total", "counter", "Invocations that hit TIMEOUT_MS.", fmt.Sprintf("runtime_timeouts_total %d", m.timeouts))
	series("runtime_cold_start_total", "counter", "Cold starts reported (0 or 1 per process).",
		fmt.Sprintf("runtime_cold_start_total %d", m.coldStarts))
	series("runtime_callback_failures_total", "counter", "Callbacks given up after every try.",
		fmt.Sprintf("runtime_callback_failures_total %d", m.callbackFailures))
	return b.String()
}
