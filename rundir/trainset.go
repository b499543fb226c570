package rundir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/cemlab/cem/model"
	"github.com/cemlab/cem/trainset"
)

// ReadTrainset reads round r's training set and its mix manifest (the
// Extra of the trainset stage's manifest). A missing manifest, or one
// without a mix, is not an error (the manifest is then nil); a mix whose
// counts per kind disagree with the examples is.
func ReadTrainset(dir string, r int) ([]model.Example, *trainset.Manifest, error) {
	path := Artifact(dir, r, StageTrainset)
	examples, err := trainset.ReadExamples(path)
	if err != nil {
		return nil, nil, fmt.Errorf("the training set of round %d: %w", r, err)
	}
	sm, err := ReadManifest(dir, r, StageTrainset)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(sm.Extra) == 0) {
		return examples, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var m trainset.Manifest
	if err := json.Unmarshal(sm.Extra, &m); err != nil {
		return nil, nil, fmt.Errorf("%s: extra: %w", ManifestPath(dir, r, StageTrainset), err)
	}
	counts := map[string]int{}
	for _, e := range examples {
		counts[e.Kind]++
	}
	for _, k := range m.Kinds {
		if k.Examples != counts[k.Kind] {
			return nil, nil, fmt.Errorf("%s says %d %s examples; %s holds %d",
				ManifestPath(dir, r, StageTrainset), k.Examples, k.Kind, path, counts[k.Kind])
		}
	}
	return examples, &m, nil
}
