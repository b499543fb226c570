package knowledge

import (
	"context"
	"errors"
)

// ReadFactbook reads the CIA World Factbook folder dir. It waits for the
// corpus/factbook parser.
func ReadFactbook(ctx context.Context, dir string) (*Corpus, error) {
	return nil, errors.New("factbook reader not yet available")
}
