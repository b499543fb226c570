package model

import "testing"

func TestUsageAddSub(t *testing.T) {
	a := Usage{Requests: 3, CacheHits: 1, Failures: 1, Retries: 2, PromptTokens: 100, CompletionTokens: 20, Cost: 0.5}
	b := Usage{Requests: 1, Retries: 1, PromptTokens: 10, CompletionTokens: 5, Cost: 0.25}
	want := Usage{Requests: 4, CacheHits: 1, Failures: 1, Retries: 3, PromptTokens: 110, CompletionTokens: 25, Cost: 0.75}
	if got := a.Add(b); got != want {
		t.Errorf("Add = %+v, want %+v", got, want)
	}
	if got := want.Sub(b); got != a {
		t.Errorf("Sub = %+v, want %+v", got, a)
	}
}
