package nanofaas

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// What the contract suite (runtimes/contract) cannot reach from outside: typed 400s, panics,
// numbers beyond float64, the callback token, settings validation.

func testRuntime(h Handler, settings Settings) (*runtime, *bytes.Buffer) {
	var out bytes.Buffer
	if settings.TimeoutMs == 0 {
		settings.TimeoutMs = 1000
	}
	return newRuntime(h, settings, 7, &lockedWriter{w: &out}), &out
}

func post(rt *runtime, body string, headers map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/invoke", strings.NewReader(body))
	req.Header.Set(headerExecutionID, "exec-1")
	for name, value := range headers {
		req.Header.Set(name, value)
	}
	rec := httptest.NewRecorder()
	rt.ServeHTTP(rec, req)
	return rec
}

func expectReply(t *testing.T, rec *httptest.ResponseRecorder, status int, body string) {
	t.Helper()
	if rec.Code != status || strings.TrimSpace(rec.Body.String()) != body {
		t.Fatalf("got %d %s, want %d %s", rec.Code, rec.Body.String(), status, body)
	}
}

func TestHandlerBadRequestIs400(t *testing.T) {
	rt, _ := testRuntime(func(context.Context, Request) (any, error) { return nil, BadRequest("need %s", "x") }, Settings{})
	expectReply(t, post(rt, `{"input":1}`, nil), 400, `{"error":{"code":"BAD_REQUEST","message":"need x"}}`)
}

func TestPanicIs500AndThePodKeepsServing(t *testing.T) {
	rt, _ := testRuntime(func(_ context.Context, r Request) (any, error) {
		if r.Input == "boom" {
			panic("boom")
		}
		return "<ok & fine>", nil
	}, Settings{})
	expectReply(t, post(rt, `{"input":"boom"}`, nil), 500, `{"error":{"code":"HANDLER_ERROR","message":"boom"}}`)
	expectReply(t, post(rt, `{"input":"x"}`, nil), 200, `"<ok & fine>"`) // no HTML escaping
}

func TestHandlerReturningDeadlineExceededIs504(t *testing.T) {
	rt, _ := testRuntime(func(context.Context, Request) (any, error) { return nil, context.DeadlineExceeded }, Settings{})
	if rec := post(rt, `{}`, nil); rec.Code != 504 || !strings.Contains(rec.Body.String(), codeHandlerTimeout) {
		t.Fatalf("got %d %s", rec.Code, rec.Body.String())
	}
}

func TestNumberBeyondFloat64Is400(t *testing.T) {
	rt, _ := testRuntime(func(context.Context, Request) (any, error) { return 1, nil }, Settings{})
	if rec := post(rt, `{"input":{"n":1e400}}`, nil); rec.Code != 400 || !strings.Contains(rec.Body.String(), codeInvalidRequest) {
		t.Fatalf("got %d %s", rec.Code, rec.Body.String())
	}
}

func TestBindDecodesIntoAStruct(t *testing.T) {
	rt, _ := testRuntime(func(_ context.Context, r Request) (any, error) {
		var in struct{ N int }
		err := r.Bind(&in)
		return in.N * 2, err
	}, Settings{})
	expectReply(t, post(rt, `{"input":{"N":21}}`, nil), 200, `42`)
}

func TestCallbackCarriesTheTokenAndTheAttempt(t *testing.T) {
	got := make(chan *http.Request, 1)
	bodies := make(chan string, 1)
	cp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- string(body)
		w.WriteHeader(204)
	}))
	defer cp.Close()
	rt, _ := testRuntime(func(context.Context, Request) (any, error) { return map[string]int{"a": 1}, nil }, Settings{CallbackToken: "from-env"})
	post(rt, `{"input":null}`, map[string]string{headerCallbackURL: cp.URL + "/v1/internal/executions", headerDispatchAttempt: "2", headerCallbackToken: "tok-1"})
	select {
	case r := <-got:
		if r.URL.Path != "/v1/internal/executions/exec-1:complete" || r.Header.Get(headerCallbackToken) != "tok-1" || r.Header.Get(headerDispatchAttempt) != "2" {
			t.Fatalf("callback %s token=%q attempt=%q", r.URL.Path, r.Header.Get(headerCallbackToken), r.Header.Get(headerDispatchAttempt))
		}
		if body := <-bodies; body != `{"success":true,"output":{"a":1},"error":null}` {
			t.Fatalf("callback body %s", body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no callback")
	}
}

func TestBadSettingsAreRefused(t *testing.T) {
	for _, env := range []map[string]string{{"PORT": "70000"}, {"TIMEOUT_MS": "0"}, {"TIMEOUT_MS": "1.5"}, {"CALLBACK_URL": "/relative"}} {
		if _, err := LoadSettings(env); err == nil {
			t.Errorf("%v accepted", env)
		}
	}
	if s, err := LoadSettings(map[string]string{}); err != nil || s.Port != 8080 || s.TimeoutMs != 30000 {
		t.Errorf("defaults: %+v %v", s, err)
	}
}
