package openai

import (
	"context"
	"errors"
	"strings"
)

// redactedError is an error whose text had a secret removed. It keeps the
// sentinels callers test for, but not the original chain (whose text holds
// the secret).
type redactedError struct {
	msg  string
	sent []error
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Is(target error) bool {
	for _, s := range e.sent {
		if s == target {
			return true
		}
	}
	return false
}

// redact returns err unchanged unless its text contains secret; then an
// error with the secret replaced that still matches ErrNoLogprobs and the
// context errors.
func redact(err error, secret string) error {
	if secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	r := &redactedError{msg: strings.ReplaceAll(err.Error(), secret, "[redacted]")}
	for _, s := range []error{ErrNoLogprobs, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, s) {
			r.sent = append(r.sent, s)
		}
	}
	return r
}
