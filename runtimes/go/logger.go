package nanofaas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Logger writes one JSON object per line: timestamp, level, message, its base fields, then the
// call's key/value pairs — the field names of the Bun and Python runtimes.
type Logger struct {
	out  *lockedWriter
	base []any
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

var stdout = &lockedWriter{w: os.Stdout}

func newLogger(out *lockedWriter, base ...any) *Logger { return &Logger{out: out, base: base} }

// With returns a logger that adds the key/value pairs to every line.
func (l *Logger) With(kv ...any) *Logger {
	return &Logger{out: l.out, base: append(append([]any{}, l.base...), kv...)}
}

func (l *Logger) Debug(message string, kv ...any) { l.log("debug", message, kv) }
func (l *Logger) Info(message string, kv ...any)  { l.log("info", message, kv) }
func (l *Logger) Warn(message string, kv ...any)  { l.log("warn", message, kv) }
func (l *Logger) Error(message string, kv ...any) { l.log("error", message, kv) }

func (l *Logger) log(level, message string, kv []any) {
	var line bytes.Buffer
	line.WriteString(`{"timestamp":`)
	writeJSON(&line, time.Now().UTC().Format("2006-01-02T15:04:05.000Z"))
	line.WriteString(`,"level":`)
	writeJSON(&line, level)
	line.WriteString(`,"message":`)
	writeJSON(&line, message)
	pairs := append(append([]any{}, l.base...), kv...)
	for i := 0; i+1 < len(pairs); i += 2 {
		line.WriteByte(',')
		writeJSON(&line, fmt.Sprint(pairs[i]))
		line.WriteByte(':')
		writeJSON(&line, pairs[i+1])
	}
	line.WriteString("}\n")
	l.out.mu.Lock()
	defer l.out.mu.Unlock()
	_, _ = l.out.w.Write(line.Bytes())
}

// writeJSON never fails a log call: a value that cannot be JSON is written as its text.
func writeJSON(buf *bytes.Buffer, v any) {
	text, err := encodeJSON(v)
	if err != nil {
		text, _ = encodeJSON(fmt.Sprint(v))
	}
	buf.Write(text)
}

// encodeJSON is json.Marshal without HTML escaping (<, >, & stay as they are, as in JavaScript).
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
