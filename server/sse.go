package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// SSE (server-sent events) is the third form of the event streams, for browsers: a client
// that sends `Accept: text/event-stream` (as EventSource does) gets each stream message as an
// event instead of an NDJSON line. The event's id is the message's cursor, so an EventSource
// that reconnects sends it back as Last-Event-ID, which the stream takes as resume_after and
// continues right after the last message the browser saw.
//
//	id: <cursor>            (Gap: its resume_cursor)
//	event: snapshot|event|gap
//	data: <StreamEventsResponse as JSON>
//
// Heartbeats are comments, so EventSource does not surface them, with the heartbeat's cursor
// as a data-less id line: the browser's Last-Event-ID moves on without an event. An error
// after the stream started is an event named stream-error whose data is the google.rpc.Status.
// An error before it started keeps its HTTP status and JSON body (EventSource then stops, as
// it should for a refused request).
const (
	sseContentType = "text/event-stream"
	sseErrorEvent  = "stream-error"
	lastEventIDKey = "Last-Event-ID"
)

// sseStreams serves the event streams as SSE to clients that ask for it. It only translates
// the NDJSON that grpc-gateway writes, so both forms carry the same messages and errors.
func sseStreams(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isEventStream(r) || !acceptsSSE(r.Header.Values("Accept")) {
			next.ServeHTTP(w, r)
			return
		}
		if id := r.Header.Get(lastEventIDKey); id != "" {
			// The reconnecting EventSource repeats the URL it was opened with, whose
			// resume_after (if any) is older than the id it last saw.
			r = r.Clone(r.Context())
			q := r.URL.Query()
			q.Del("resumeAfter")
			q.Set("resume_after", id)
			r.URL.RawQuery = q.Encode()
		}
		next.ServeHTTP(&sseWriter{ResponseWriter: w}, r)
	})
}

// isEventStream reports whether a request is for one of the StreamEvents bindings.
func isEventStream(r *http.Request) bool {
	return r.Method == http.MethodGet && (r.URL.Path == "/v1/events" || strings.HasSuffix(r.URL.Path, "/events"))
}

// acceptsSSE reports whether an Accept header names text/event-stream.
func acceptsSSE(accept []string) bool {
	for _, h := range accept {
		for _, part := range strings.Split(h, ",") {
			if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == sseContentType {
				return true
			}
		}
	}
	return false
}

// sseWriter turns the NDJSON lines written to it into SSE frames.
type sseWriter struct {
	http.ResponseWriter
	wroteHeader bool
	streaming   bool   // the stream answered 200: lines are translated
	pending     []byte // the start of a line not yet complete
}

func (w *sseWriter) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	if code == http.StatusOK {
		w.streaming = true
		h := w.Header()
		h.Set("Content-Type", sseContentType)
		h.Set("Cache-Control", "no-cache")
		h.Del("Content-Length")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *sseWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.streaming {
		return w.ResponseWriter.Write(b)
	}
	n := len(b)
	w.pending = append(w.pending, b...)
	for {
		i := bytes.IndexByte(w.pending, '\n')
		if i < 0 {
			return n, nil
		}
		frame, err := sseFrame(w.pending[:i])
		w.pending = w.pending[i+1:]
		if err != nil {
			return 0, err
		}
		if _, err := w.ResponseWriter.Write(frame); err != nil {
			return 0, err
		}
	}
}

func (w *sseWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *sseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// sseFrame turns one NDJSON line, {"result": {...}} or {"error": {...}}, into an SSE frame.
func sseFrame(line []byte) ([]byte, error) {
	var chunk struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(line, &chunk); err != nil {
		return nil, fmt.Errorf("sse: stream line is not JSON: %w", err)
	}
	var b bytes.Buffer
	if chunk.Error != nil {
		writeSSEField(&b, "event", sseErrorEvent)
		writeSSEField(&b, "data", string(chunk.Error))
		b.WriteByte('\n')
		return b.Bytes(), nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(chunk.Result, &fields); err != nil || len(fields) != 1 {
		return nil, fmt.Errorf("sse: a stream message must be an object with exactly one field: %s", chunk.Result)
	}
	for kind, msg := range fields {
		var pos struct {
			Cursor       string `json:"cursor"`
			ResumeCursor string `json:"resumeCursor"`
		}
		if err := json.Unmarshal(msg, &pos); err != nil {
			return nil, fmt.Errorf("sse: %s message: %w", kind, err)
		}
		id := pos.Cursor
		if kind == "gap" {
			id = pos.ResumeCursor
		}
		if kind == "heartbeat" {
			b.WriteString(": heartbeat\n")
			writeSSEField(&b, "id", id)
			b.WriteByte('\n')
			return b.Bytes(), nil
		}
		writeSSEField(&b, "id", id)
		writeSSEField(&b, "event", kind)
		writeSSEField(&b, "data", string(chunk.Result))
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// writeSSEField writes one field line. Values come from compact JSON, which has no line
// breaks; an id with one (or a NUL, which EventSource ignores ids for) is left out rather
// than split, since a cursor is only useful whole.
func writeSSEField(b *bytes.Buffer, name, value string) {
	if name == "id" && (value == "" || strings.ContainsAny(value, "\r\n\x00")) {
		return
	}
	b.WriteString(name)
	b.WriteString(": ")
	b.WriteString(value)
	b.WriteByte('\n')
}
