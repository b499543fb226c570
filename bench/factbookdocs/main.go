// Command factbookdocs renders the CIA World Factbook as a folder of
// documents, one per country under <region>/<code>.<format>, the formats
// taken in turn (a third each by default): the stand-in for a team's
// documents to try `cem index build --docs` on.
//
//	go run ./bench/factbookdocs -out DIR [-formats html,pdf,docx] [FACTBOOK_DIR]
//
// FACTBOOK_DIR defaults to $CEM_FACTBOOK (see demodata.FactbookDir). The
// folder is written fresh; it is never meant to be committed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cemlab/cem/corpus/factbook"
	"github.com/cemlab/cem/demodata"
	"github.com/cemlab/cem/internal/factbookdocs"
)

func main() {
	out := flag.String("out", "", "folder to write (required)")
	formats := flag.String("formats", strings.Join(factbookdocs.Formats, ","), "formats taken in turn, of html, pdf, docx")
	flag.Parse()
	if *out == "" || flag.NArg() > 1 {
		fmt.Fprintln(os.Stderr, "usage: factbookdocs -out DIR [-formats html,pdf,docx] [FACTBOOK_DIR]")
		os.Exit(2)
	}
	if err := run(*out, strings.Split(*formats, ","), flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "factbookdocs:", err)
		os.Exit(1)
	}
}

func run(out string, formats []string, dir string) error {
	if dir == "" {
		var err error
		if dir, err = demodata.FactbookDir(); err != nil {
			return err
		}
	}
	countries, err := factbook.Open(dir)
	if err != nil {
		return err
	}
	t0 := time.Now()
	counts, err := factbookdocs.Render(context.Background(), countries, out, formats)
	if err != nil {
		return err
	}
	fmt.Printf("wrote %d countries to %s in %s: %v\n", len(countries), out, time.Since(t0).Round(time.Millisecond), counts)
	return nil
}
