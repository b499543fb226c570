package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/report/headline"
	"github.com/cemlab/cem/review"
	"github.com/cemlab/cem/rundir"

	"github.com/cemlab/cem/internal/atomicfile"
)

// Target is a goal the run is measured against, shown beside the
// measured value.
type Target struct {
	Name     string
	Goal     string
	Measured string
	Met      bool
}

// Options tune Write. The zero value writes <run>/report.html.
type Options struct {
	// Out is the HTML file to write; "" means <run>/report.html.
	Out string
	// Compare are other run folders (baselines) shown side by side.
	Compare []string
	// Targets are listed at the top with their measured values.
	Targets []Target
	// TopEvidence is the number of evidence passages shown per round; default 8.
	TopEvidence int
	// Warnings are shown at the top, after the run's own
	// (Summary.Warnings).
	Warnings []string
	// Efficiency, when set, adds the data-efficiency chart: gain against
	// loss-bearing tokens trained for these runs, on EfficiencySuites
	// (default the suites named exam and heldout that the run has).
	Efficiency       []EfficiencyRun
	EfficiencySuites []string
}

// Write renders the run folder dir as one self-contained HTML file
// (inline CSS and SVG, no external assets), written atomically, and
// returns its path. It fails when dir (or a compared folder) has no
// metrics.json; missing optional artifacts are left out of the page.
func Write(dir string, opts Options) (string, error) {
	if opts.Out == "" {
		opts.Out = filepath.Join(dir, "report.html")
	}
	if opts.TopEvidence == 0 {
		opts.TopEvidence = 8
	}
	page, err := build(dir, opts)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, page); err != nil {
		return "", fmt.Errorf("report %s: %w", dir, err)
	}
	if err := writeFile(opts.Out, buf.Bytes()); err != nil {
		return "", err
	}
	return opts.Out, nil
}

type page struct {
	S        *rundir.Summary
	Table    string
	Compare  string
	Targets  []Target
	AccChart template.HTML
	// Probes are the probe suites' parts over the rounds (ProbeRows).
	Probes   []ProbeRow
	TokChart template.HTML
	Churn    template.HTML
	Warnings []string
	EffChart template.HTML
	Eff      []EfficiencyPoint
	EffCols  []string
	// Beside are the run and the compared ones as points (series: run
	// name, label: mode), for their last candidates' gains; Cols names
	// the suites in round 0's order.
	Beside  []EfficiencyPoint
	Cols    []string
	Rounds  []roundView
	Timings []rundir.Timing
	Usage   []usageRow
	// Headline is the manager's summary (nil when it cannot be computed).
	Headline *headline.Headline
}

// usageRow is one round's usage of one metered backend label.
type usageRow struct {
	Round int
	Label string
	model.Usage
}

type roundView struct {
	M   rundir.RoundMetrics
	Mix string
	// Sources is the round's curation by knowledge source (at most
	// TopEvidence kept passages each); SourcesNote says why it is missing.
	Sources     []SourceEvidence
	SourcesNote string
	Rejects     []kv
	// Review is the round's review sample with the decisions in force;
	// Dropped, the reasons sources lost their evidence to the review.
	Review  []review.Entry
	Dropped []string
	// Notes name the round's files that could not be read.
	Notes []string
}

type kv struct {
	K string
	V int
}

func build(dir string, opts Options) (*page, error) {
	s, err := rundir.ReadSummary(dir)
	if err != nil {
		return nil, err
	}
	p := &page{S: s, Targets: opts.Targets, AccChart: accuracyChart(s), TokChart: tokensChart(s), Churn: churnChart(s), Probes: ProbeRows(s),
		Warnings: append(slices.Clone(s.Warnings), opts.Warnings...)}
	if len(opts.Efficiency) > 0 {
		if p.Eff, err = Efficiency(opts.Efficiency); err != nil {
			return nil, err
		}
		p.EffCols = opts.EfficiencySuites
		if len(p.EffCols) == 0 {
			for _, su := range []string{"exam", "heldout"} {
				if _, ok := s.Roles[su]; ok {
					p.EffCols = append(p.EffCols, su)
				}
			}
		}
		p.EffChart = efficiencyChart(p.Eff, p.EffCols)
	}
	if h, err := headline.FromRun(dir); err == nil {
		p.Headline = h
	}
	var tb strings.Builder
	if err := Table(&tb, s); err != nil {
		return nil, err
	}
	p.Table = tb.String()
	if len(opts.Compare) > 0 {
		runs := []*rundir.Summary{s}
		for _, d := range opts.Compare {
			o, err := rundir.ReadSummary(d)
			if err != nil {
				return nil, err
			}
			runs = append(runs, o)
		}
		for _, r := range runs {
			p.Beside = append(p.Beside, EfficiencyPointOf(r.Name, cmp.Or(r.Baseline, "cem"), r))
		}
		if len(s.Rounds) > 0 {
			for _, sm := range s.Rounds[0].Suites {
				p.Cols = append(p.Cols, sm.Name)
			}
		}
		var cb strings.Builder
		if err := Compare(&cb, runs); err != nil {
			return nil, err
		}
		p.Compare = cb.String()
	}
	if p.Timings, err = rundir.ReadTimings(dir); err != nil {
		return nil, err
	}
	for _, m := range s.Rounds {
		labels := slices.Sorted(maps.Keys(m.Usage))
		for _, l := range labels {
			p.Usage = append(p.Usage, usageRow{Round: m.Round, Label: l, Usage: m.Usage[l]})
		}
		if len(labels) > 1 {
			p.Usage = append(p.Usage, usageRow{Round: m.Round, Label: "total", Usage: model.TotalUsage(m.Usage)})
		}
	}
	for _, m := range s.Rounds {
		if m.Round == 0 {
			continue
		}
		rv := roundView{M: m}
		// A file that cannot be read leaves a note in its round's section,
		// never a section that silently vanishes.
		note := func(what string, err error) {
			if errors.Is(err, fs.ErrNotExist) {
				rv.Notes = append(rv.Notes, what+" not written (the stage has not run in this folder)")
			} else {
				rv.Notes = append(rv.Notes, what+" unreadable: "+err.Error())
			}
		}
		if man, err := rundir.ReadManifest(dir, m.Round, rundir.StageTrainset); err != nil {
			note("training-set manifest", err)
		} else if len(man.Extra) > 0 {
			rv.Mix = mixText(man.Extra)
		}
		if vs, err := rundir.ReadVerdicts(dir, m.Round); err != nil {
			note("curation verdicts", err)
			rv.SourcesNote = rv.Notes[len(rv.Notes)-1]
		} else {
			for _, v := range vs {
				if v.Filter == review.FilterSource && !slices.Contains(rv.Dropped, v.Reason) {
					rv.Dropped = append(rv.Dropped, v.Reason)
				}
			}
			rv.Sources = BySource(vs)
			for i := range rv.Sources {
				ev := &rv.Sources[i].Evidence
				*ev = (*ev)[:min(len(*ev), opts.TopEvidence)]
			}
		}
		if q, err := review.Queue(dir, m.Round); err == nil {
			rv.Review = q
		}
		for k, v := range m.Rejects {
			rv.Rejects = append(rv.Rejects, kv{k, v})
		}
		slices.SortFunc(rv.Rejects, func(a, b kv) int { return cmp.Or(cmp.Compare(b.V, a.V), cmp.Compare(a.K, b.K)) })
		p.Rounds = append(p.Rounds, rv)
	}
	return p, nil
}

// mixText pretty-prints a mix manifest, leaving out long lists (the
// per-example provenance) that would swamp the page.
func mixText(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	if m, ok := v.(map[string]any); ok {
		for k, x := range m {
			if l, ok := x.([]any); ok && len(l) > 20 {
				m[k] = fmt.Sprintf("(%d entries, see the trainset manifest)", len(l))
			}
		}
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(path, data, 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":       func(p float64) string { return fmt.Sprintf("%.1f", 100*p) },
	"snippet":   func(s string) string { return snippet(s, 240) },
	"gate":      gateWord,
	"scoring":   modeCell,
	"revision":  Revision,
	"agreement": agreementText,
}).Parse(pageHTML))

func snippet(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

const pageHTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>cem report: {{.S.Name}}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f4f4}td.l,th.l{text-align:left}pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:.85em}
.ok{color:#1a7f37;font-weight:600}.bad{color:#c62828;font-weight:600}.small{font-size:.85em;color:#555}
</style></head><body>
<h1>cem report: {{.S.Name}}</h1>
<p class="small">mode: {{if .S.Baseline}}{{.S.Baseline}} baseline{{else}}CEM{{end}} · seed {{.S.Seed}} · {{len .S.Rounds}} rows (round 0 = base model){{if .S.Scoring}} · scoring {{.S.Scoring}}{{end}}{{if .S.Rounds}} · chance:{{range (index .S.Rounds 0).Suites}} {{.Name}} {{pct .Chance}}%{{end}}{{end}}</p>
{{if .Warnings}}<h2 class="bad">Warnings</h2><ul>{{range .Warnings}}<li class="bad">{{.}}</li>{{end}}</ul>{{end}}
{{with .Headline}}<h2>Summary</h2><p class="headline">{{.Paragraph}}</p><ul class="figures">{{range .Figures}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Targets}}<h2>Targets</h2><table><tr><th class="l">target</th><th>goal</th><th>measured</th><th>met</th></tr>
{{range .Targets}}<tr><td class="l">{{.Name}}</td><td>{{.Goal}}</td><td>{{.Measured}}</td><td>{{if .Met}}<span class="ok">yes</span>{{else}}<span class="bad">no</span>{{end}}</td></tr>{{end}}</table>{{end}}
<h2>Per round</h2>
{{template "rounds" .S}}
<p class="small">Cells: accuracy % [95% Wilson interval] and change since round 0 in points, for the round's candidate model. Hover a cell for McNemar p and items fixed/broken. Scoring: how the round's items were answered (likelihood of each choice; letter-logprobs: the first answer token's log-probabilities over the letters; letter-generated: a generated letter; failed: the server failed after retries).</p>
{{if .Probes}}<h2>Probes</h2><table><tr><th class="l">suite</th><th class="l">part</th>{{range .S.Rounds}}<th>round {{.Round}}</th>{{end}}</tr>
{{range .Probes}}<tr><td class="l">{{.Suite}}</td><td class="l">{{.Part}}</td>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>
<p class="small">Probe items ask what training never asked in that form: paraphrase (the exam's direction, other wording), reverse (object to subject), collateral (another fact about the entity, from the passages retrieval finds for the exam item), interference (facts taught nowhere: reported as a loss with its 95% ceiling, never as gain). "mined": probes about facts mined so far; "familiarity": the training status the gold and its distractors share. Cells: accuracy % [95% Wilson], change since round 0 on the same items, McNemar p vs round 0.</p>{{end}}
{{if .Usage}}<h2>API usage per round</h2><table><tr><th>round</th><th class="l">backend/site</th><th>requests</th><th>cache hits</th><th>failures</th><th>prompt tokens</th><th>completion tokens</th><th>cost</th><th>train s</th><th>GPU h</th><th>trained tokens</th></tr>
{{range .Usage}}<tr><td>{{.Round}}</td><td class="l">{{.Label}}</td><td>{{.Requests}}</td><td>{{.CacheHits}}</td><td>{{.Failures}}</td><td>{{.PromptTokens}}</td><td>{{.CompletionTokens}}</td><td>{{printf "%.4g" .Cost}}</td><td>{{printf "%.0f" .TrainSeconds}}</td><td>{{printf "%.3g" .GPUHours}}</td><td>{{.TrainedTokens}}</td></tr>{{end}}</table>
<p class="small">Requests to OpenAI-compatible servers: "model" is the examined model, "helper" the helper model (extract: knowledge-point queries, write: training questions). Cost follows the configured price per 1000 tokens; "trainer/slurm" is the Slurm training job (elapsed seconds, and GPU hours: elapsed time times the GPUs requested); "trainer/openai" is the fine-tuning API's job (created to finished seconds, and the trained tokens it bills).</p>{{end}}
{{if .Compare}}<h2>Runs side by side</h2><pre>{{.Compare}}</pre>
<p class="small">Δ: final gain over round 0 in points (accepted trajectory); tokens: counted in the accepted rounds' sets (prompts included); loss tokens: those carrying the loss, which baselines are sized by. A rag row trains nothing: its one round is the base model asked with retrieved passages in the prompt.</p>
<table><tr><th class="l">run</th><th class="l">mode</th><th>loss-bearing tokens trained</th>{{range .Cols}}<th>{{.}}: last round</th>{{end}}</tr>
{{range $p := .Beside}}<tr><td class="l">{{$p.Series}}</td><td class="l">{{$p.Label}}</td><td>{{$p.LossTokens}}</td>{{range $.Cols}}<td>{{printf "%+.1f" (index $p.Last .)}}</td>{{end}}</tr>{{end}}</table>
<p class="small">The last round's candidate model against round 0, in points, whatever the gate decided (a rolled-back round shows what it would have given); tokens count every round, rolled back or not.</p>{{end}}
{{if .Eff}}<h2>Data efficiency</h2>{{.EffChart}}
<table><tr><th class="l">series</th><th class="l">point</th><th>loss-bearing tokens trained</th>{{range .EffCols}}<th>{{.}} gain</th>{{end}}</tr>
{{range $p := .Eff}}<tr><td class="l">{{$p.Series}}</td><td class="l">{{$p.Label}}</td><td>{{$p.LossTokens}}</td>{{range $.EffCols}}<td>{{printf "%+.1f" (index $p.Gains .)}} <span class="small">({{printf "%+.1f" (index $p.Last .)}})</span></td>{{end}}</tr>{{end}}</table>
<p class="small">Gain: the final accepted model's over round 0, in points (in brackets: the last round's candidate, whatever the gate decided); tokens: the loss-bearing tokens of every round's set, rolled back or not (what was paid).</p>{{end}}
<h2>Accuracy per suite (accepted model after each round, 95% Wilson intervals)</h2>{{.AccChart}}
<h2>Tokens trained per kind</h2>{{.TokChart}}
<h2>Churn (items fixed and broken versus the previous model)</h2>{{.Churn}}
<h2>Gate decisions</h2><table><tr><th>round</th><th class="l">decision</th><th>forget dev (pts)</th><th>broken</th><th class="l">reasons</th></tr>
{{range .S.Rounds}}{{if .Round}}<tr><td>{{.Round}}</td><td class="l">{{if .Gate.Accepted}}<span class="ok">accepted</span>{{else}}<span class="bad">rolled back</span>{{end}}</td><td>{{printf "%.1f" .Gate.Forgetting}}</td><td>{{.Gate.Broken}}</td><td class="l">{{range .Gate.Reasons}}{{.}}; {{end}}</td></tr>{{end}}{{end}}</table>
{{range .Rounds}}<h2>Round {{.M.Round}}</h2>
<p>{{.M.Mined}} mistakes mined, {{.M.Candidates}} passages retrieved, {{.M.Evidence}} kept as evidence.</p>
{{if .Rejects}}<table><tr><th class="l">filter</th><th>rejected</th></tr>{{range .Rejects}}<tr><td class="l">{{.K}}</td><td>{{.V}}</td></tr>{{end}}</table>{{end}}
{{range .Notes}}<p class="bad">{{.}}</p>{{end}}
{{if .Mix}}<details><summary>Training-set mix manifest</summary><pre>{{.Mix}}</pre></details>{{end}}
{{if .Review}}<h3>Human review</h3>{{range .Dropped}}<p class="bad">evidence dropped: {{.}}</p>{{end}}
<table><tr><th class="l">passage</th><th class="l">source</th><th class="l">item</th><th class="l">verdict</th><th class="l">who</th><th class="l">when</th><th class="l">note</th><th class="l">text</th></tr>
{{range .Review}}<tr><td class="l">{{.PassageID}}</td><td class="l">{{.Source}}</td><td class="l">{{.ItemID}}</td>{{with .Decision}}<td class="l">{{if eq .Verdict "reject"}}<span class="bad">rejected</span>{{else}}<span class="ok">approved</span>{{end}}</td><td class="l">{{.Who}}</td><td class="l">{{.At.Format "2006-01-02 15:04"}}</td><td class="l">{{.Note}}</td>{{else}}<td class="l">pending</td><td></td><td></td><td></td>{{end}}<td class="l">{{snippet .Text}}</td></tr>{{end}}</table>{{end}}
<h3>Evidence by source</h3>
{{if .SourcesNote}}<p class="bad">evidence by source not shown: {{.SourcesNote}}</p>{{else if not .Sources}}<p>no passages were retrieved in this round.</p>{{end}}
{{range .Sources}}<h4 class="source">{{.Source}}: {{.Candidates}} candidates, {{.Kept}} kept, {{len .Redactions}} PII redactions</h4>
{{if .Evidence}}<table><tr><th class="l">item</th><th class="l">title</th><th class="l">passage</th><th class="l">licence</th><th class="l">revision</th><th class="l">agreeing sources</th><th>score</th><th class="l">text</th></tr>
{{range .Evidence}}<tr><td class="l">{{.MistakeID}}</td><td class="l">{{.Title}}</td><td class="l">{{if .URL}}<a href="{{.URL}}">{{.ID}}</a>{{else}}{{.ID}}{{end}}</td><td class="l">{{or .License "none"}}</td><td class="l">{{revision .}}</td><td class="l">{{agreement .}}</td><td>{{printf "%.2f" .Score}}</td><td class="l">{{snippet .Text}}</td></tr>{{end}}</table>{{end}}
{{if .Redactions}}<table><tr><th class="l">PII redacted in</th><th class="l">item</th><th class="l">what</th><th class="l">passage kept</th></tr>
{{range .Redactions}}<tr><td class="l">{{.PassageID}}</td><td class="l">{{.ItemID}}</td><td class="l">{{.Detail}}</td><td class="l">{{if .Kept}}yes{{else}}no{{end}}</td></tr>{{end}}</table>{{end}}
{{end}}{{end}}
{{if .Timings}}<h2>Wall time per stage</h2><table><tr><th>round</th><th class="l">stage</th><th>seconds</th><th class="l">note</th></tr>
{{range .Timings}}<tr><td>{{.Round}}</td><td class="l">{{.Stage}}</td><td>{{printf "%.1f" .Seconds}}</td><td class="l">{{if .Skipped}}reused{{end}}</td></tr>{{end}}</table>{{end}}
<p class="small">Written by cem report. Self-contained: no external assets.</p>
</body></html>
{{define "rounds"}}<table><tr><th>round</th><th>gate</th>{{range (index .Rounds 0).Suites}}<th>{{.Name}} ({{.Role}})</th>{{end}}<th>mined</th><th>fix rate</th><th title="largest drop since round 0 of a general suite's test half, which the gate never sees">forget test</th><th title="Chaudhry's forgetting on the whole general suites">Chaudhry</th><th>BWT</th><th>evidence</th><th class="l">scoring</th></tr>
{{range .Rounds}}<tr><td>{{.Round}}</td><td>{{gate .}}</td>{{range .Suites}}<td title="95% Wilson [{{pct .Acc.Low}}, {{pct .Acc.High}}], McNemar p={{printf "%.3g" .McNemar.P}} vs the round before{{if .McNemarBase}}, p={{printf "%.3g" .McNemarBase.P}} vs round 0{{end}}, +{{.Fixed}}/-{{.Broken}}">{{pct .Acc.P}} <span class="small">[{{pct .Acc.Low}}–{{pct .Acc.High}}]{{if .Gain}} {{printf "%+.1f" .Gain}}{{end}}{{if .Weighted}} · weighted {{pct .Weighted}}{{end}}</span></td>{{end}}
<td>{{.Mined}}</td><td>{{if .Round}}{{pct .Targeted.P}}%{{end}}</td><td>{{if .Round}}{{printf "%.1f" .ReportedForgetting}}{{end}}</td><td>{{printf "%.1f" .Forgetting}}</td><td>{{printf "%.1f" .BWT}}</td><td>{{.Evidence}}/{{.Candidates}}</td><td class="l">{{scoring .}}</td></tr>
{{end}}</table>
{{end}}`
