package serve

import (
	"encoding/json"
	"net/http"
	"unicode"
)

// sse writes server-sent events: one "data: JSON" event per chunk and a
// final "data: [DONE]".
type sse struct {
	w       http.ResponseWriter
	flusher http.Flusher
}

func newSSE(w http.ResponseWriter) *sse {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	f, _ := w.(http.Flusher)
	return &sse{w: w, flusher: f}
}

func (s *sse) send(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return // our own structs of strings and numbers always encode
	}
	s.raw(b)
}

func (s *sse) raw(b []byte) {
	_, _ = s.w.Write([]byte("data: "))
	_, _ = s.w.Write(b)
	_, _ = s.w.Write([]byte("\n\n"))
	if s.flusher != nil {
		s.flusher.Flush()
	}
}

func (s *sse) done() { s.raw([]byte("[DONE]")) }

// chunks splits text into word-sized pieces, each starting with the
// whitespace before its word, so that joining them gives text back.
func chunks(text string) []string {
	var out []string
	start := 0
	inSpace := true
	for i, r := range text {
		space := unicode.IsSpace(r)
		if space && !inSpace && i > start {
			out = append(out, text[start:i])
			start = i
		}
		inSpace = space
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

func (s *Server) streamCompletion(w http.ResponseWriter, resp completionResponse, g generation, echo bool) {
	out := newSSE(w)
	chunk := func(text string, finish *string) completionResponse {
		return completionResponse{ID: resp.ID, Object: "text_completion", Created: resp.Created, Model: resp.Model,
			Choices: []completionChoice{{Text: text, FinishReason: finish}}}
	}
	if echo && g.prompt != "" {
		out.send(chunk(g.prompt, nil))
	}
	for _, c := range chunks(g.text) {
		out.send(chunk(c, nil))
	}
	out.send(chunk("", ptr(g.finish)))
	out.done()
}

func (s *Server) streamChat(w http.ResponseWriter, resp chatResponse, g generation) {
	out := newSSE(w)
	chunk := func(delta chatMessageOut, finish *string) chatResponse {
		return chatResponse{ID: resp.ID, Object: "chat.completion.chunk", Created: resp.Created, Model: resp.Model,
			Choices: []chatChoice{{Delta: &delta, FinishReason: finish}}}
	}
	out.send(chunk(chatMessageOut{Role: "assistant"}, nil))
	for _, c := range chunks(g.text) {
		out.send(chunk(chatMessageOut{Content: c}, nil))
	}
	last := chunk(chatMessageOut{}, ptr(g.finish))
	last.Usage = resp.Usage
	out.send(last)
	out.done()
}
