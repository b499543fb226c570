package serve

import (
	"encoding/json"
	"errors"
	"fmt"
)

// stringList decodes a JSON string or array of strings (the shapes of
// "prompt" and "stop").
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = nil
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("want a string or an array of strings")
	}
	*s = many
	return nil
}

// Message is one chat message. Content may arrive as a string or as an
// array of text parts; both decode to Content.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// UnmarshalJSON accepts string content and arrays of {"type":"text"} parts.
func (m *Message) UnmarshalJSON(b []byte) error {
	var raw struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	m.Role = raw.Role
	m.Content = ""
	if len(raw.Content) == 0 || string(raw.Content) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw.Content, &m.Content); err == nil {
		return nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw.Content, &parts); err != nil {
		return errors.New("message content: want a string or an array of text parts")
	}
	for _, p := range parts {
		if p.Type != "text" {
			return fmt.Errorf("message content: part type %q is not supported", p.Type)
		}
		m.Content += p.Text
	}
	return nil
}

// sampling holds the sampling parameters of both request kinds.
type sampling struct {
	Temperature *float64 `json:"temperature"`
	TopP        *float64 `json:"top_p"`
	N           *int     `json:"n"`
}

type completionRequest struct {
	sampling
	Model     string     `json:"model"`
	Prompt    stringList `json:"prompt"`
	MaxTokens *int       `json:"max_tokens"`
	Stop      stringList `json:"stop"`
	Seed      *int64     `json:"seed"`
	Echo      bool       `json:"echo"`
	Logprobs  *int       `json:"logprobs"`
	Stream    bool       `json:"stream"`
}

type chatRequest struct {
	sampling
	Model               string     `json:"model"`
	Messages            []Message  `json:"messages"`
	MaxTokens           *int       `json:"max_tokens"`
	MaxCompletionTokens *int       `json:"max_completion_tokens"`
	Stop                stringList `json:"stop"`
	Seed                *int64     `json:"seed"`
	Stream              bool       `json:"stream"`
	Logprobs            bool       `json:"logprobs"`
	TopLogprobs         *int       `json:"top_logprobs"`
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// logprobs is the legacy completions log-probability block. Entries of
// TokenLogprobs and TopLogprobs are null where the engine has no value.
type logprobs struct {
	Tokens        []string             `json:"tokens"`
	TokenLogprobs []*float64           `json:"token_logprobs"`
	TopLogprobs   []map[string]float64 `json:"top_logprobs"`
	TextOffset    []int                `json:"text_offset"`
}

type completionChoice struct {
	Index        int       `json:"index"`
	Text         string    `json:"text"`
	Logprobs     *logprobs `json:"logprobs"`
	FinishReason *string   `json:"finish_reason"`
}

// response is the body of a completion or chat answer (or of one
// streamed chunk) with choices of type C.
type response[C any] struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	Model   string `json:"model"`
	Choices []C    `json:"choices"`
	Usage   *usage `json:"usage,omitempty"`
}

type completionResponse = response[completionChoice]

type chatMessageOut struct {
	Role    string `json:"role,omitempty"`
	Content string `json:"content"`
}

type chatChoice struct {
	Index        int               `json:"index"`
	Message      *chatMessageOut   `json:"message,omitempty"`
	Delta        *chatMessageOut   `json:"delta,omitempty"`
	Logprobs     *chatLogprobBlock `json:"logprobs"`
	FinishReason *string           `json:"finish_reason"`
}

// chatLogprobBlock is the chat schema's choices[].logprobs.
type chatLogprobBlock struct {
	Content []chatTokenLogprob `json:"content"`
}

// chatTopLogprob is one token with its log-probability and bytes.
type chatTopLogprob struct {
	Token   string  `json:"token"`
	Logprob float64 `json:"logprob"`
	Bytes   []int   `json:"bytes"`
}

// chatTokenLogprob is one generated token with its top alternatives.
type chatTokenLogprob struct {
	chatTopLogprob
	TopLogprobs []chatTopLogprob `json:"top_logprobs"`
}

type chatResponse = response[chatChoice]

type modelEntry struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

type modelList struct {
	Object string       `json:"object"`
	Data   []modelEntry `json:"data"`
}

type apiError struct {
	Error struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	} `json:"error"`
}
