package nanofaas

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Settings is the pod's configuration, a pure function of its environment.
type Settings struct {
	Port          int
	TimeoutMs     int
	ExecutionID   string
	TraceID       string
	CallbackURL   string
	CallbackToken string
	FunctionName  string
}

var digits = regexp.MustCompile(`^\d+$`)

func integerSetting(env map[string]string, name string, fallback, low, high int) (int, error) {
	raw := strings.TrimSpace(env[name])
	if raw == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(raw)
	if !digits.MatchString(raw) || err != nil || n < low || n > high {
		return 0, fmt.Errorf("%s must be an integer between %d and %d, got %q", name, low, high, raw)
	}
	return n, nil
}

// LoadSettings reads PORT, TIMEOUT_MS, EXECUTION_ID, TRACE_ID, CALLBACK_URL, CALLBACK_TOKEN and
// FUNCTION_NAME; a bad value is an error (the pod refuses to start rather than guess).
func LoadSettings(env map[string]string) (Settings, error) {
	s := Settings{
		ExecutionID:   strings.TrimSpace(env["EXECUTION_ID"]),
		TraceID:       strings.TrimSpace(env["TRACE_ID"]),
		CallbackURL:   strings.TrimSpace(env["CALLBACK_URL"]),
		CallbackToken: strings.TrimSpace(env["CALLBACK_TOKEN"]),
		FunctionName:  strings.TrimSpace(env["FUNCTION_NAME"]),
	}
	var err error
	// 0 asks the OS for a free port; the pod logs the one it got.
	if s.Port, err = integerSetting(env, "PORT", defaultPort, 0, 65535); err != nil {
		return s, err
	}
	if s.TimeoutMs, err = integerSetting(env, "TIMEOUT_MS", defaultTimeoutMs, 1, 3_600_000); err != nil {
		return s, err
	}
	if s.CallbackURL != "" {
		u, err := url.Parse(s.CallbackURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return s, fmt.Errorf("CALLBACK_URL must be an absolute URL, got %q", s.CallbackURL)
		}
	}
	return s, nil
}
