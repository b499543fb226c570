//go:build bleve

package knowledge_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/cemlab/cem/knowledge"
)

// BenchmarkIndexCompare builds the product index and a bleve v2 (scorch,
// BM25 scoring) index over the same passages and prints one table. It is
// behind the "bleve" build tag so that ordinary test runs do not compile
// bleve:
//
//	go test -tags bleve -run '^$' -bench IndexCompare -benchtime 1x ./knowledge
func BenchmarkIndexCompare(b *testing.B) {
	ps, items := loadBench(b, benchCorpus)
	var rows []evalResult
	r := evalResult{name: "cem-bm25"}
	evaluate(b, cemEngine(b, ps, knowledge.Options{}, &r), items, &r)
	rows = append(rows, r)
	r = evalResult{name: "bleve-v2 scorch bm25"}
	evaluate(b, bleveEngine(b, ps, &r), items, &r)
	rows = append(rows, r)
	printTable("wordnet+gcide+foldoc+elements", len(ps), rows)
}

// bleveDoc is what bleve indexes: title and text analysed with the
// standard analyzer (lower case, English stopwords), source as a keyword.
type bleveDoc struct {
	Title  string `json:"title"`
	Text   string `json:"text"`
	Source string `json:"source"`
}

// bleveEngine indexes ps into an on-disk scorch index with BM25 scoring
// and a title boost of 2 at query time, and returns its searcher.
func bleveEngine(b *testing.B, ps []knowledge.Passage, r *evalResult) searcher {
	b.Helper()
	im := bleve.NewIndexMapping()
	im.ScoringModel = index.BM25Scoring
	dm := bleve.NewDocumentMapping()
	for _, f := range []string{"title", "text"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = standard.Name
		fm.Store = false
		fm.IncludeTermVectors = false
		dm.AddFieldMappingsAt(f, fm)
	}
	km := bleve.NewKeywordFieldMapping()
	km.Store = false
	dm.AddFieldMappingsAt("source", km)
	im.DefaultMapping = dm
	im.DefaultAnalyzer = standard.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	var _ *mapping.IndexMappingImpl = im

	dir := filepath.Join(b.TempDir(), "bleve")
	t0 := time.Now()
	idx, err := bleve.New(dir, im)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { idx.Close() })
	batch := idx.NewBatch()
	for i, p := range ps {
		if err := batch.Index(strconv.Itoa(i), bleveDoc{Title: p.Title, Text: p.Text, Source: p.Source}); err != nil {
			b.Fatal(err)
		}
		if batch.Size() >= 5000 {
			if err := idx.Batch(batch); err != nil {
				b.Fatal(err)
			}
			batch = idx.NewBatch()
		}
	}
	if err := idx.Batch(batch); err != nil {
		b.Fatal(err)
	}
	r.build = time.Since(t0)
	r.sizeMiB = float64(dirSize(b, dir)) / (1 << 20)
	return func(q string, k int) ([]string, error) {
		title := bleve.NewMatchQuery(q)
		title.SetField("title")
		title.SetBoost(2)
		text := bleve.NewMatchQuery(q)
		text.SetField("text")
		req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(title, text), k, 0, false)
		res, err := idx.Search(req)
		if err != nil {
			return nil, err
		}
		texts := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			n, _ := strconv.Atoi(h.ID)
			texts[i] = ps[n].Title + "\n" + ps[n].Text
		}
		return texts, nil
	}
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
