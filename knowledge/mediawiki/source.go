package mediawiki

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cemlab/cem/knowledge"
)

var _ knowledge.Source = (*Client)(nil)

// maxPassageBytes splits sections longer than this at line breaks.
const maxPassageBytes = 1500

// Search finds passages for q: it runs the query variants (the whole
// query with srwhat=text; each term with srwhat=title when TitleSearch is
// on; each term with srwhat=text when the whole query finds fewer than
// Pages pages, since a SQLite wiki requires every word), fuses their page
// lists by reciprocal rank (title lists weigh twice), fetches the best
// Pages pages and returns the k best of their section passages by BM25,
// each score multiplied by 1 + its page's fused score relative to the
// best page's (so that a section of the page the search put first wins a
// near tie).
// A variant the wiki refuses is skipped; Search fails only when every
// variant fails or a page cannot be fetched.
func (c *Client) Search(ctx context.Context, q knowledge.Query, k int) ([]knowledge.Hit, error) {
	if k <= 0 || (len(q.Sources) > 0 && !slices.Contains(q.Sources, c.cfg.Name)) {
		return nil, nil
	}
	terms := distinct(knowledge.Tokenizer{}.Terms(q.Text))
	if len(terms) == 0 {
		return nil, nil
	}
	titles, prior, err := c.findPages(ctx, terms)
	if err != nil {
		return nil, err
	}
	var passages []knowledge.Passage
	pagePrior := map[string]float64{}
	for i, t := range titles {
		ps, err := c.Page(ctx, t)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			pagePrior[p.ID] = prior[i]
		}
		passages = append(passages, ps...)
	}
	if len(passages) == 0 {
		return nil, nil
	}
	hits, err := knowledge.Rank(ctx, c.cfg.Name, passages, q.Text, func(p knowledge.Passage) float64 { return pagePrior[p.ID] }, k)
	if err != nil {
		return nil, fmt.Errorf("mediawiki: ranking: %w", err)
	}
	return hits, nil
}

// findPages returns the titles of the pages to fetch for terms, best
// first, with their fused scores relative to the best (in (0, 1]).
func (c *Client) findPages(ctx context.Context, terms []string) ([]string, []float64, error) {
	type variant struct {
		what, query string
		limit       int
		weight      float64
	}
	vs := []variant{{"text", strings.Join(terms, " "), c.cfg.SearchLimit, 1}}
	if *c.cfg.TitleSearch {
		for _, t := range terms {
			vs = append(vs, variant{"title", t, c.cfg.Pages, 2})
		}
	}
	score := map[string]float64{}
	var order []string
	var errs []error
	ok := 0
	run := func(v variant) (int, error) {
		titles, err := c.search(ctx, v.query, v.what, v.limit)
		if err != nil {
			return 0, err
		}
		for r, t := range titles {
			if _, seen := score[t]; !seen {
				order = append(order, t)
			}
			score[t] += v.weight / float64(rrfK+r+1)
		}
		return len(titles), nil
	}
	for i, v := range vs {
		n, err := run(v)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			errs = append(errs, fmt.Errorf("search %s %q: %w", v.what, v.query, err))
			continue
		}
		ok++
		if i == 0 && n < c.cfg.Pages && len(terms) > 1 {
			for _, t := range terms {
				vs = append(vs, variant{"text", t, c.cfg.SearchLimit, 0.5})
			}
		}
	}
	if ok == 0 {
		return nil, nil, errors.Join(errs...)
	}
	slices.SortStableFunc(order, func(a, b string) int { return cmp.Compare(score[b], score[a]) })
	order = order[:min(len(order), c.cfg.Pages)]
	rel := make([]float64, len(order))
	for i, t := range order {
		rel[i] = score[t] / score[order[0]]
	}
	return order, rel, nil
}

// rrfK is the rank constant of the fusion of query variants.
const rrfK = 60

// search runs list=search in the main namespace and returns the titles.
func (c *Client) search(ctx context.Context, query, what string, limit int) ([]string, error) {
	var r struct {
		Query struct {
			Search []struct {
				Title string `json:"title"`
			} `json:"search"`
		} `json:"query"`
	}
	p := url.Values{"action": {"query"}, "list": {"search"}, "srsearch": {query}, "srwhat": {what},
		"srnamespace": {"0"}, "srlimit": {strconv.Itoa(limit)}, "srprop": {""}}
	if err := c.get(ctx, p, &r); err != nil {
		return nil, err
	}
	out := make([]string, len(r.Query.Search))
	for i, s := range r.Query.Search {
		out[i] = s.Title
	}
	return out, nil
}

// Page fetches one page with action=parse (following redirects) and
// returns its passages: one per section, long sections cut at line
// breaks. Each carries the page title, the section path, the URL of the
// section, the revision id and the wiki's licence.
func (c *Client) Page(ctx context.Context, title string) ([]knowledge.Passage, error) {
	var r struct {
		Parse struct {
			Title  string `json:"title"`
			PageID int64  `json:"pageid"`
			RevID  int64  `json:"revid"`
			Text   string `json:"text"`
		} `json:"parse"`
	}
	p := url.Values{"action": {"parse"}, "page": {title}, "prop": {"text|revid"}, "redirects": {"1"},
		"disabletoc": {"1"}, "disableeditsection": {"1"}}
	if err := c.get(ctx, p, &r); err != nil {
		return nil, fmt.Errorf("page %q: %w", title, err)
	}
	secs, err := Sections(r.Parse.Text)
	if err != nil {
		return nil, fmt.Errorf("page %q: %w", title, err)
	}
	base, err := c.pageURL(ctx, r.Parse.Title)
	if err != nil {
		return nil, err
	}
	rev := strconv.FormatInt(r.Parse.RevID, 10)
	var out []knowledge.Passage
	for _, s := range secs {
		name := strings.Join(s.Path, " > ")
		ptitle := r.Parse.Title
		if name != "" {
			ptitle += ": " + name
		}
		u := base
		if s.Anchor != "" {
			u += "#" + s.Anchor
		}
		for _, chunk := range split(s.Text, maxPassageBytes) {
			out = append(out, knowledge.Passage{
				ID:      fmt.Sprintf("%s:%d/%d", c.cfg.Name, r.Parse.PageID, len(out)),
				Source:  c.cfg.Name,
				Title:   ptitle,
				Text:    chunk,
				URL:     u,
				License: c.cfg.License,
				Fields: map[string]string{"page": r.Parse.Title, "section": name,
					"pageid": strconv.FormatInt(r.Parse.PageID, 10), "revid": rev},
			})
		}
	}
	return out, nil
}

// split cuts text into pieces of at most about n bytes at line breaks (a
// single longer line stays whole).
func split(text string, n int) []string {
	if len(text) <= n {
		return []string{text}
	}
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if cur.Len() > 0 && cur.Len()+1+len(line) > n {
			out = append(out, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func distinct(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// siteInfo is what the client needs of meta=siteinfo.
type siteInfo struct {
	Server      string `json:"server"`
	ArticlePath string `json:"articlepath"`
}

// pageURL returns the reader's URL of a page, from the wiki's server and
// article path (asked once, cached like every request).
func (c *Client) pageURL(ctx context.Context, title string) (string, error) {
	c.siteMu.Lock()
	defer c.siteMu.Unlock()
	if c.site.Server == "" {
		var r struct {
			Query struct {
				General siteInfo `json:"general"`
			} `json:"query"`
		}
		if err := c.get(ctx, url.Values{"action": {"query"}, "meta": {"siteinfo"}}, &r); err != nil {
			return "", fmt.Errorf("mediawiki: siteinfo: %w", err)
		}
		si := r.Query.General
		if si.Server == "" || !strings.Contains(si.ArticlePath, "$1") {
			return "", fmt.Errorf("mediawiki: siteinfo has no server or article path")
		}
		if strings.HasPrefix(si.Server, "//") { // protocol-relative, as on Wikipedia
			u, _ := url.Parse(c.cfg.API)
			si.Server = u.Scheme + ":" + si.Server
		}
		c.site = si
	}
	t := strings.ReplaceAll(title, " ", "_")
	return c.site.Server + strings.Replace(c.site.ArticlePath, "$1", url.PathEscape(t), 1), nil
}
