package report

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/cemlab/cem/rundir"
)

// Chart is one of the report's SVG charts with its heading.
type Chart struct {
	Title string
	SVG   template.HTML
}

// Charts returns the report's charts of s (accuracy per suite, tokens
// per kind, churn), in the order the report shows them, for pages
// other than the report (the dashboard) to draw the same figures.
func Charts(s *rundir.Summary) []Chart {
	return []Chart{
		{"Accuracy per suite (accepted model after each round, 95% Wilson intervals)", accuracyChart(s)},
		{"Tokens trained per kind", tokensChart(s)},
		{"Churn (items fixed and broken versus the previous model)", churnChart(s)},
	}
}

// RoundsTable renders the report's per-round HTML table of s (gate,
// accuracy with interval and gain per suite, mined, fix rate,
// forgetting, BWT, evidence).
func RoundsTable(s *rundir.Summary) (template.HTML, error) {
	if len(s.Rounds) == 0 {
		return "", fmt.Errorf("report: run %s has no rounds yet", s.Name)
	}
	var buf bytes.Buffer
	if err := pageTemplate.ExecuteTemplate(&buf, "rounds", s); err != nil {
		return "", fmt.Errorf("report: rounds table of %s: %w", s.Name, err)
	}
	return template.HTML(buf.String()), nil
}
