// Package report presents finished (or running) CEM runs: a single
// self-contained HTML file per run (inline CSS and SVG, no external
// assets) and plain-text tables for the terminal, one run per round or
// several runs side by side. It reads run folders only; it knows nothing
// of how a run was made.
package report
