package trainset

import (
	"strings"

	"github.com/cemlab/cem/model"
)

// Manifest records how a training set was made.
type Manifest struct {
	Round int    `json:"round"`
	Seed  int64  `json:"seed"`
	Mix   Mix    `json:"mix"`  // with defaults applied
	Unit  string `json:"unit"` // "examples" or "tokens": what targets count
	// Kinds has one row per kind, in Kinds order.
	Kinds []KindCount `json:"kinds"`
	Total KindCount   `json:"total"`
	// Decontaminated counts the pooled examples dropped for overlapping
	// an exam item; Dropped lists them.
	Decontaminated int       `json:"decontaminated"`
	Dropped        []Dropped `json:"dropped,omitempty"`
	// Ungrounded counts the evidence whose passage does not state its
	// answer (StatesAnswer), which got no normative or extractive example.
	Ungrounded int          `json:"ungrounded,omitempty"`
	Provenance []Provenance `json:"provenance"` // one per example, in set order
	// Reference, in a baseline's manifest, is the set CEM built in the
	// same round that the baseline is sized against.
	Reference *Reference `json:"reference,omitempty"`
}

// Reference is the CEM set a baseline's set is sized against: its
// counted and loss-bearing tokens and the multiple of the latter the
// baseline aimed at (budgets count loss-bearing tokens).
type Reference struct {
	Tokens     int     `json:"tokens"`
	LossTokens int     `json:"loss_tokens"`
	Scale      float64 `json:"scale"`
	// TargetLossTokens is Scale times LossTokens, rounded.
	TargetLossTokens int `json:"target_loss_tokens"`
}

// KindCount is the realised size of one kind.
type KindCount struct {
	Kind     string  `json:"kind"`
	Pool     int     `json:"pool"`   // examples available after decontamination
	Target   float64 `json:"target"` // units wanted
	Examples int     `json:"examples"`
	Tokens   int     `json:"tokens"` // prompt and text: what the trainer reads
	// LossTokens counts the tokens that carry the training loss: the
	// text of CPT and augment examples and the answer (Text) of instruction examples,
	// whose prompts carry none. Token budgets count these.
	LossTokens     int `json:"loss_tokens"`
	Decontaminated int `json:"decontaminated"`
}

// Provenance says where an example came from.
type Provenance struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Origin string `json:"origin"`           // passage id, or earlier example / item id
	Item   string `json:"item,omitempty"`   // the mined item, for evidence kinds
	Source string `json:"source,omitempty"` // the passage's source
	// Writer names what wrote a normative or extractive example's
	// question (WriterTemplate, WriterRestate, WriterPassage, WriterLLM or
	// WriterOther) or an augment example's text (WriterRestate: Augment;
	// WriterLLM: the Paraphraser).
	Writer string `json:"writer,omitempty"`
}

// Dropped is a pooled example removed by decontamination.
type Dropped struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Origin   string `json:"origin"`
	Item     string `json:"item,omitempty"`
	Overlaps string `json:"overlaps"` // the protected item it overlaps
	// Text is the dropped text of an augmentation statement (one
	// sentence, removed before its document was made).
	Text string `json:"text,omitempty"`
}

// Count returns the row of kind (zero when absent).
func (m Manifest) Count(kind string) KindCount {
	for _, k := range m.Kinds {
		if k.Kind == kind {
			return k
		}
	}
	return KindCount{Kind: kind}
}

// fill computes the per-kind rows and provenance of the final set.
func (m *Manifest) fill(set []model.Example, pools map[string][]model.Example, targets map[string]float64,
	dropped map[string]int, prov map[string]Provenance, tokens func(string) int) {
	rows := map[string]*KindCount{}
	for _, k := range Kinds {
		rows[k] = &KindCount{Kind: k, Pool: len(pools[k]), Target: targets[k], Decontaminated: dropped[k]}
	}
	m.Provenance = make([]Provenance, 0, len(set))
	for _, e := range set {
		r := rows[e.Kind]
		r.Examples++
		r.Tokens += tokens(e.Prompt + " " + e.Text)
		r.LossTokens += LossTokens(e, tokens)
		base, _, _ := strings.Cut(e.ID, "#")
		p := prov[base]
		p.ID = e.ID
		m.Provenance = append(m.Provenance, p)
	}
	m.Kinds = nil
	m.Total = KindCount{Kind: "total"}
	for _, k := range Kinds {
		r := *rows[k]
		m.Kinds = append(m.Kinds, r)
		m.Total.Pool += r.Pool
		m.Total.Target += r.Target
		m.Total.Examples += r.Examples
		m.Total.Tokens += r.Tokens
		m.Total.LossTokens += r.LossTokens
		m.Total.Decontaminated += r.Decontaminated
	}
	m.Decontaminated = m.Total.Decontaminated
}

// LossTokens is the number of e's tokens that carry the training loss
// (counted by tokens): its Text, with a leading space when it follows a
// prompt, as the trainer sees it; the prompt carries none.
func LossTokens(e model.Example, tokens func(string) int) int {
	if e.Prompt != "" {
		return tokens(" " + e.Text)
	}
	return tokens(e.Text)
}
