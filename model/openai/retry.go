package openai

import "time"

// Retryable reports whether a request of the SDK that failed with err may
// succeed if sent again (429, 408, 409, 5xx, timeouts, dropped
// connections, malformed bodies) and the wait the server asked for in
// Retry-After (0 if none). Other users of the SDK (package
// model/finetune) share this rule.
func Retryable(err error) (bool, time.Duration) { return retryable(err) }
