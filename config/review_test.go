package config

import (
	"strings"
	"testing"
)

func TestReviewConfig(t *testing.T) {
	base := "suites:\n  - {name: e, path: e.jsonl, role: exam}\nmodel: {path: m}\ncuration:\n  review:\n"
	c, err := Parse([]byte(base + "    rate: 0.25\n    require: true\n    max_reject_rate: 0.5\n    sources:\n      wiki: {size: 3}\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := c.Curation.Review
	if !r.Require || r.RejectLimit() != 0.5 {
		t.Errorf("review = %+v; want require and limit 0.5", r)
	}
	for _, tc := range []struct {
		source  string
		n, want int
	}{{"web", 10, 3}, {"web", 1, 1}, {"web", 0, 0}, {"wiki", 10, 3}, {"wiki", 2, 2}} {
		if got := r.SampleSize(tc.source, tc.n); got != tc.want {
			t.Errorf("SampleSize(%s, %d) = %d; want %d", tc.source, tc.n, got, tc.want)
		}
	}
	for _, tc := range []struct{ yaml, key string }{
		{"    rate: 1.5\n", "curation.review.rate"},
		{"    size: -1\n", "curation.review.size"},
		{"    require: true\n", "curation.review.rate"},
		{"    rate: 0.1\n    max_reject_rate: 2\n", "curation.review.max_reject_rate"},
		{"    rate: 0.1\n    sources:\n      wiki: {rate: -1}\n", "curation.review.sources.wiki.rate"},
	} {
		_, err := Parse([]byte(base + tc.yaml))
		fe, ok := err.(*FieldError)
		if !ok || fe.Key != tc.key || fe.Line == 0 {
			t.Errorf("Parse(%q) = %v; want a FieldError on %s with its line", tc.yaml, err, tc.key)
		}
	}
	if c, err := Parse([]byte(base[:strings.Index(base, "curation")])); err != nil || c.Curation.Review != nil {
		t.Errorf("no review section = %v, %v; want nil review", err, c)
	}
}
