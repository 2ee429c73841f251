package nanofaas

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// callbacks posts completion callbacks in the background, so a response never waits for one.
type callbacks struct {
	client  *http.Client
	pending sync.WaitGroup
	failed  func(target ids, problem string)
}

func callbackURLFor(base, executionID string) string {
	if strings.HasSuffix(base, ":complete") {
		return base
	}
	return strings.TrimRight(base, "/") + "/" + url.PathEscape(executionID) + ":complete"
}

func (c *callbacks) send(target ids, body []byte) {
	c.pending.Add(1)
	go func() {
		defer c.pending.Done()
		if problem := c.deliver(target, body); problem != "" {
			c.failed(target, problem)
		}
	}()
}

// deliver tries up to callbackMaxTries times; other 4xx mean the control plane refused it for good.
func (c *callbacks) deliver(target ids, body []byte) string {
	problem := ""
	for try := 1; try <= callbackMaxTries; try++ {
		status, err := c.post(target, body)
		if err == nil && status >= 200 && status < 300 {
			return ""
		}
		if err != nil {
			problem = err.Error()
		} else {
			problem = fmt.Sprintf("HTTP %d", status)
			if !isRetryableCallbackStatus(status) {
				break
			}
		}
		if try < callbackMaxTries {
			time.Sleep(time.Duration(callbackRetryDelaysMs[try-1]) * time.Millisecond)
		}
	}
	return problem
}

func (c *callbacks) post(target ids, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, callbackURLFor(target.callbackBase, target.executionID), bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	for name, value := range map[string]string{headerTraceID: target.traceID, headerDispatchAttempt: target.attempt, headerCallbackToken: target.callbackToken} {
		if value != "" {
			req.Header.Set(name, value)
		}
	}
	res, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// flush waits up to limit for every callback started so far.
func (c *callbacks) flush(limit time.Duration) {
	done := make(chan struct{})
	go func() { c.pending.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
	}
}

func callbackBody(output []byte, failure *Error) []byte {
	if failure == nil {
		return append(append([]byte(`{"success":true,"output":`), output...), `,"error":null}`...)
	}
	body, _ := encodeJSON(map[string]any{"success": false, "output": nil,
		"error": map[string]string{"code": failure.Code, "message": failure.Message}})
	return body
}
