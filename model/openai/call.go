package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	sdk "github.com/openai/openai-go/v3"
)

// response is what call needs of an SDK response type.
type response interface {
	RawJSON() string
}

// StatusError is an HTTP error answer from the server.
type StatusError struct {
	Endpoint string
	Status   int
	Message  string // the server's error message, if it sent one
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s: HTTP %d %s", e.Endpoint, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// retryable reports whether a request that failed with err may succeed if
// sent again, and the server's requested wait (0 if none).
func retryable(err error) (bool, time.Duration) {
	var apiErr *sdk.Error
	if errors.As(err, &apiErr) {
		var wait time.Duration
		if apiErr.Response != nil {
			if s, err := strconv.ParseFloat(apiErr.Response.Header.Get("Retry-After"), 64); err == nil && s > 0 {
				wait = time.Duration(s * float64(time.Second))
			}
		}
		switch c := apiErr.StatusCode; {
		case c == http.StatusRequestTimeout, c == http.StatusConflict, c == http.StatusTooManyRequests, c >= 500:
			return true, wait
		}
		return false, 0
	}
	// Timeouts, refused or dropped connections and malformed bodies.
	return true, 0
}

// statusError turns an SDK error into a StatusError (or wraps it as is).
func statusError(endpoint string, err error) error {
	var apiErr *sdk.Error
	if errors.As(err, &apiErr) {
		return &StatusError{Endpoint: endpoint, Status: apiErr.StatusCode, Message: apiErr.Message}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: no answer within the timeout: %w", endpoint, err)
	}
	return fmt.Errorf("%s: %w", endpoint, err)
}

// backoff returns the wait before retry number attempt (0-based).
func (m *Model) backoff(attempt int, server time.Duration) time.Duration {
	d := m.cfg.RetryBase << min(attempt, 30)
	if d <= 0 || d > m.cfg.RetryMax {
		d = m.cfg.RetryMax
	}
	m.rngMu.Lock()
	j := 0.5 + 0.5*m.rng.Float64()
	m.rngMu.Unlock()
	d = time.Duration(float64(d) * j)
	if server > d {
		d = min(server, m.cfg.RetryMax)
	}
	return d
}

// call sends one request through the cache, retries and accounting. params
// is the request body (its JSON is the cache key); send makes one attempt;
// into decodes a cached body; tokens reads a response's usage.
func call[T response](ctx context.Context, m *Model, endpoint string, params any,
	send func(ctx context.Context) (T, error), into func(raw []byte) (T, error), tokens func(T) (int64, int64),
) (T, error) {
	var zero T
	site := siteOf(ctx)
	body, err := json.Marshal(params)
	if err != nil {
		return zero, fmt.Errorf("%s: encoding request: %w", endpoint, err)
	}
	key := cacheKey(m.cfg.BaseURL, m.cfg.Model, endpoint, body)
	if raw, ok := m.cache.get(key); ok {
		if res, err := into(raw); err == nil {
			m.usage.add(site, Usage{Requests: 1, CacheHits: 1})
			return res, nil
		}
	}
	var last error
	for attempt := 0; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
		res, err := send(actx)
		cancel()
		if err == nil && strings.TrimSpace(res.RawJSON()) == "" {
			err = errors.New("empty response body")
		}
		if err == nil {
			p, c := tokens(res)
			m.usage.add(site, Usage{Requests: 1, Retries: attempt, PromptTokens: p, CompletionTokens: c,
				Cost: (float64(p)*m.cfg.Price.PromptPer1K + float64(c)*m.cfg.Price.CompletionPer1K) / 1000})
			if err := m.cache.put(key, []byte(res.RawJSON())); err != nil {
				return res, fmt.Errorf("%s: %w", endpoint, err)
			}
			return res, nil
		}
		if ctx.Err() != nil {
			return zero, fmt.Errorf("%s: %w", endpoint, context.Cause(ctx))
		}
		last = statusError(endpoint, err)
		again, wait := retryable(err)
		if !again || attempt >= m.cfg.MaxRetries {
			m.usage.add(site, Usage{Requests: 1, Failures: 1, Retries: attempt})
			if again {
				return zero, fmt.Errorf("%w (gave up after %d attempt(s))", last, attempt+1)
			}
			return zero, last
		}
		t := time.NewTimer(m.backoff(attempt, wait))
		select {
		case <-ctx.Done():
			t.Stop()
			return zero, fmt.Errorf("%s: %w", endpoint, context.Cause(ctx))
		case <-t.C:
		}
	}
}
