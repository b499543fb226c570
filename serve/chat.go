package serve

import (
	"fmt"
	"net/http"

	"github.com/cemlab/cem/model"
)

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if !s.decode(w, r, &req) {
		return
	}
	if !validSampling(w, req.sampling) {
		return
	}
	top := -1
	switch {
	case req.TopLogprobs != nil && !req.Logprobs:
		writeError(w, http.StatusBadRequest, "invalid_request_error", "top_logprobs needs logprobs: true")
		return
	case req.TopLogprobs != nil && (*req.TopLogprobs < 0 || *req.TopLogprobs > 20):
		writeError(w, http.StatusBadRequest, "invalid_request_error", fmt.Sprintf("top_logprobs = %d; want 0..20", *req.TopLogprobs))
		return
	case req.Logprobs && req.Stream:
		writeError(w, http.StatusBadRequest, "invalid_request_error", "stream supports no logprobs")
		return
	case req.Logprobs:
		top = deref(req.TopLogprobs, 0)
	}
	prompt, err := s.opts.ChatPrompt(req.Messages)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
		return
	}
	limit := req.MaxCompletionTokens
	if limit == nil {
		limit = req.MaxTokens
	}
	maxTokens, ok := s.maxTokens(w, limit, s.opts.ChatMaxTokens)
	if !ok {
		return
	}
	g, err := s.generate(r.Context(), model.GenerateRequest{
		Prompt: prompt, MaxTokens: maxTokens, Temperature: deref(req.Temperature, 1),
		Stop: req.Stop, Seed: deref(req.Seed, 0),
	}, top)
	if err != nil {
		s.engineError(w, err)
		return
	}
	resp := chatResponse{
		ID: s.id("chatcmpl"), Object: "chat.completion", Created: s.opts.Now().Unix(), Model: s.opts.ModelName,
		Choices: []chatChoice{{
			Message:      &chatMessageOut{Role: "assistant", Content: g.text},
			FinishReason: ptr(g.finish),
		}},
		Usage: &usage{PromptTokens: g.promptTokens, CompletionTokens: g.completionTokens,
			TotalTokens: g.promptTokens + g.completionTokens},
	}
	if top >= 0 {
		resp.Choices[0].Logprobs = chatLogprobs(g, top)
	}
	if req.Stream {
		s.streamChat(w, resp, g)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}
