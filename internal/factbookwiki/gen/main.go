// Command gen writes one MediaWiki article per CIA World Factbook profile:
//
//	go run ./internal/factbookwiki/gen -factbook DIR -out DIR
//
// scripts/ci-mediawiki.sh loads the files into a local wiki with
// importTextFiles.php.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cemlab/cem/internal/factbookwiki"
)

func main() {
	in := flag.String("factbook", "", "the Factbook JSON folder (one sub-folder per region)")
	out := flag.String("out", "", "the folder to write <title>.wiki files into")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: gen -factbook DIR -out DIR")
		os.Exit(2)
	}
	pages, err := factbookwiki.Write(*in, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d pages to %s\n", len(pages), *out)
}
