// Command rescore grades a finished run's exam answers again under every
// multiple-choice scoring (mean, sum, pmi) without the model, from the raw
// log-probs each result keeps (exam.Rescore), and prints one markdown row
// per round and scoring: accuracy per suite, with each suite's chance
// level (the mean of 1/number of choices) in the header.
//
//	go run ./bench/rescore RUN_FOLDER
//
// The suites are read from the run folder's config.yaml. A run examined
// under mean or sum kept no neutral-prompt scores, so its pmi row is left
// out; a run examined under pmi can be shown under all three.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cemlab/cem/config"
	"github.com/cemlab/cem/exam"
	"github.com/cemlab/cem/rundir"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: rescore RUN_FOLDER")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "rescore:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	cfg, err := config.Load(filepath.Join(dir, "config.yaml"))
	if err != nil {
		return err
	}
	items := map[string]map[string]exam.Item{}
	var names, head []string
	for _, sc := range cfg.Suites {
		su, err := exam.ReadSuite(sc.Path)
		if err != nil {
			return err
		}
		items[sc.Name] = map[string]exam.Item{}
		chance := 0.0
		for _, it := range su.Items {
			items[sc.Name][it.ID] = it
			if n := len(it.Choices); n > 0 {
				chance += 1 / float64(n)
			}
		}
		names = append(names, sc.Name)
		head = append(head, fmt.Sprintf("%s (chance %.1f)", sc.Name, 100*chance/float64(len(su.Items))))
	}
	fmt.Printf("| round | scoring | %s |\n|---|---|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	for r := 0; ; r++ {
		answers, err := rundir.ReadJSONL[rundir.Answer](filepath.Join(dir, fmt.Sprintf("round-%d", r), rundir.StageExam+".jsonl"))
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, sc := range exam.Scorings() {
			right, n := map[string]int{}, map[string]int{}
			ok := true
			for _, a := range answers {
				it, found := items[a.Suite][a.ID]
				if !found {
					return fmt.Errorf("round %d: answer %s/%s has no item in the suites", r, a.Suite, a.ID)
				}
				res := a.Result
				if err := exam.Rescore(&res, &it, sc); err != nil {
					ok = false
					break
				}
				n[a.Suite]++
				if res.Correct {
					right[a.Suite]++
				}
			}
			if !ok {
				continue
			}
			cells := make([]string, len(names))
			for i, s := range names {
				cells[i] = fmt.Sprintf("%.1f", 100*float64(right[s])/float64(max(n[s], 1)))
			}
			fmt.Printf("| %d | %s | %s |\n", r, sc, strings.Join(cells, " | "))
		}
	}
}
