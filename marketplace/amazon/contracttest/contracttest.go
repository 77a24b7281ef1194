// Package contracttest checks Amazon requests and responses against the
// official SP-API models kept in ../shared/contracts/amazon. It is a test
// helper shared by the client and the simulator tests, so both are held to
// the same published contract rather than to each other.
//
// The checker understands the subset of Swagger 2.0 / JSON Schema draft-07
// the models actually use (type, format date-time, required, properties,
// items, enum, const, min/maxItems, minimum/maximum, minLength,
// minProperties, oneOf, boolean schemas, $ref). A full JSON Schema library
// would be a new dependency for a few dozen lines of checks.
package contracttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Dir returns ../shared/contracts/amazon relative to the repository root
// (found by walking up to go.mod), or an error naming what is missing.
func Dir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(d, "..", "shared", "contracts", "amazon")
			if _, err := os.Stat(filepath.Join(dir, "orders_2026-01-01.json")); err != nil {
				return "", fmt.Errorf("the official Amazon models are missing: expected %s (../shared/contracts/amazon next to the repository)", dir)
			}
			return dir, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("repository root (go.mod) not found above " + wd)
		}
	}
}

// Doc is one model or schema file, decoded.
type Doc struct {
	Name string
	Root map[string]any
}

// Load reads one file from the contracts directory.
func Load(name string) (*Doc, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Doc{Name: name, Root: root}, nil
}

// Operation returns the Swagger operation object with the given operationId.
func (d *Doc) Operation(id string) (path, method string, op map[string]any, err error) {
	paths, _ := d.Root["paths"].(map[string]any)
	for p, item := range paths {
		for m, o := range item.(map[string]any) {
			om, ok := o.(map[string]any)
			if ok && om["operationId"] == id {
				return p, m, om, nil
			}
		}
	}
	return "", "", nil, fmt.Errorf("%s: operation %s not found", d.Name, id)
}

// Example is one payload embedded in a model, with where it came from.
type Example struct {
	Where   string
	Request map[string]any // sandbox request parameters, if any
	Body    json.RawMessage
}

// Examples returns every embedded response example of an operation and
// status: "examples" and the x-amzn-api-sandbox static/dynamic responses.
func (d *Doc) Examples(opID, status string) ([]Example, error) {
	_, _, op, err := d.Operation(opID)
	if err != nil {
		return nil, err
	}
	resp, _ := op["responses"].(map[string]any)[status].(map[string]any)
	if resp == nil {
		return nil, fmt.Errorf("%s %s: no %s response", d.Name, opID, status)
	}
	var out []Example
	if ex, ok := resp["examples"].(map[string]any); ok {
		for ct, v := range ex {
			b, _ := json.Marshal(v)
			out = append(out, Example{Where: opID + " " + status + " examples " + ct, Body: b})
		}
	}
	if sb, ok := resp["x-amzn-api-sandbox"].(map[string]any); ok {
		for _, kind := range []string{"static", "dynamic"} {
			list, _ := sb[kind].([]any)
			for i, c := range list {
				cm := c.(map[string]any)
				req, _ := cm["request"].(map[string]any)
				params, _ := req["parameters"].(map[string]any)
				b, _ := json.Marshal(cm["response"])
				out = append(out, Example{Where: fmt.Sprintf("%s %s sandbox %s[%d]", opID, status, kind, i), Request: params, Body: b})
			}
		}
	}
	return out, nil
}

// ValidateResponse checks body against the schema of an operation's response.
func (d *Doc) ValidateResponse(opID, status string, body []byte) error {
	_, _, op, err := d.Operation(opID)
	if err != nil {
		return err
	}
	resp, _ := op["responses"].(map[string]any)[status].(map[string]any)
	if resp == nil {
		return fmt.Errorf("%s: %s has no %s response", d.Name, opID, status)
	}
	schema, _ := resp["schema"].(map[string]any)
	if schema == nil {
		if len(strings.TrimSpace(string(body))) == 0 {
			return nil
		}
		return fmt.Errorf("%s %s: a body was sent but the model declares none", opID, status)
	}
	return d.Validate(schema, body)
}

// ValidateDefinition checks body against #/definitions/<name>.
func (d *Doc) ValidateDefinition(name string, body []byte) error {
	return d.Validate(map[string]any{"$ref": "#/definitions/" + name}, body)
}

// ValidateDocument checks body against the whole document as a JSON Schema.
func (d *Doc) ValidateDocument(body []byte) error { return d.Validate(d.Root, body) }

// Validate checks body against schema. Objects may not carry properties the
// schema does not declare unless it allows additionalProperties: a
// misspelt field name is the mistake this is most useful for.
func (d *Doc) Validate(schema map[string]any, body []byte) error {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	var errs []string
	d.check(schema, v, "$", &errs)
	if len(errs) > 0 {
		if len(errs) > 10 {
			errs = append(errs[:10], fmt.Sprintf("… and %d more", len(errs)-10))
		}
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

func (d *Doc) resolve(s map[string]any) map[string]any {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		node := any(d.Root)
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			node = node.(map[string]any)[part]
		}
		s = node.(map[string]any)
	}
}

func (d *Doc) check(schemaAny any, v any, at string, errs *[]string) {
	fail := func(format string, a ...any) { *errs = append(*errs, at+": "+fmt.Sprintf(format, a...)) }
	if b, ok := schemaAny.(bool); ok {
		if !b {
			fail("not allowed here")
		}
		return
	}
	s := d.resolve(schemaAny.(map[string]any))
	if c, ok := s["const"]; ok && fmt.Sprint(c) != fmt.Sprint(v) {
		fail("must be %v, got %v", c, v)
	}
	if en, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range en {
			if fmt.Sprint(e) == fmt.Sprint(v) {
				found = true
			}
		}
		if !found {
			fail("%v is not one of %v", v, en)
		}
	}
	if one, ok := s["oneOf"].([]any); ok {
		n := 0
		for _, alt := range one {
			var sub []string
			d.check(alt, v, at, &sub)
			if len(sub) == 0 {
				n++
			}
		}
		if n != 1 {
			fail("matches %d of the oneOf alternatives, want exactly 1", n)
		}
	}
	typ, _ := s["type"].(string)
	if typ == "" {
		if _, ok := s["properties"]; ok {
			typ = "object"
		}
	}
	switch typ {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			fail("want an object, got %T", v)
			return
		}
		for _, r := range asList(s["required"]) {
			if _, ok := obj[r]; !ok {
				fail("required property %q missing", r)
			}
		}
		if mp, ok := num(s["minProperties"]); ok && float64(len(obj)) < mp {
			fail("needs at least %v properties", mp)
		}
		props, _ := s["properties"].(map[string]any)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k]; ok {
				d.check(ps, obj[k], at+"."+k, errs)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case map[string]any:
				d.check(ap, obj[k], at+"."+k, errs)
			case bool:
				if !ap {
					fail("property %q not in the model", k)
				}
			default:
				// Swagger models list every field Amazon sends or accepts,
				// so an undeclared one is a misspelling; JSON Schema allows
				// extra properties unless it says otherwise.
				if props != nil && d.Root["swagger"] != nil {
					fail("property %q not in the model", k)
				}
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			fail("want an array, got %T", v)
			return
		}
		if m, ok := num(s["minItems"]); ok && float64(len(arr)) < m {
			fail("needs at least %v items", m)
		}
		if m, ok := num(s["maxItems"]); ok && float64(len(arr)) > m {
			fail("at most %v items, got %d", m, len(arr))
		}
		if items, ok := s["items"]; ok {
			for i, e := range arr {
				d.check(items, e, fmt.Sprintf("%s[%d]", at, i), errs)
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			fail("want a string, got %T", v)
			return
		}
		if m, ok := num(s["minLength"]); ok && float64(len([]rune(str))) < m {
			fail("shorter than %v", m)
		}
		if s["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				fail("%q is not an ISO 8601 date-time", str)
			}
		}
	case "integer", "number":
		n, ok := v.(json.Number)
		if !ok {
			fail("want a number, got %T", v)
			return
		}
		f, _ := n.Float64()
		if typ == "integer" && f != math.Trunc(f) {
			fail("want an integer, got %v", n)
		}
		if m, ok := num(s["minimum"]); ok && f < m {
			fail("below minimum %v", m)
		}
		if m, ok := num(s["maximum"]); ok && f > m {
			fail("above maximum %v", m)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			fail("want a boolean, got %T", v)
		}
	}
}

// ValidateQuery checks a request's query string against an operation's
// query parameters: only declared names, declared types and enums, array
// limits (arrays are comma-separated, Swagger's default collectionFormat),
// and ISO 8601 date-times.
func (d *Doc) ValidateQuery(opID string, q url.Values) error {
	_, _, op, err := d.Operation(opID)
	if err != nil {
		return err
	}
	params := map[string]map[string]any{}
	for _, p := range op["parameters"].([]any) {
		pm := p.(map[string]any)
		if pm["in"] == "query" {
			params[pm["name"].(string)] = pm
		}
	}
	var errs []string
	for name, vals := range q {
		p, ok := params[name]
		if !ok {
			errs = append(errs, fmt.Sprintf("query parameter %q is not in the model", name))
			continue
		}
		if len(vals) != 1 {
			errs = append(errs, fmt.Sprintf("%s sent %d times; arrays are one comma-separated value", name, len(vals)))
			continue
		}
		check := func(v string, s map[string]any) {
			if en, ok := s["enum"].([]any); ok {
				found := false
				for _, e := range en {
					found = found || fmt.Sprint(e) == v
				}
				if !found {
					errs = append(errs, fmt.Sprintf("%s: %q is not one of %v", name, v, en))
				}
			}
			switch s["type"] {
			case "integer":
				if _, err := strconv.Atoi(v); err != nil {
					errs = append(errs, fmt.Sprintf("%s: %q is not an integer", name, v))
				}
			case "string":
				if s["format"] == "date-time" {
					if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
						errs = append(errs, fmt.Sprintf("%s: %q is not an ISO 8601 date-time", name, v))
					}
				}
			}
		}
		if p["type"] == "array" {
			parts := strings.Split(vals[0], ",")
			if m, ok := num(p["maxItems"]); ok && float64(len(parts)) > m {
				errs = append(errs, fmt.Sprintf("%s: at most %v items", name, m))
			}
			items, _ := p["items"].(map[string]any)
			for _, part := range parts {
				check(part, items)
			}
		} else {
			check(vals[0], p)
		}
	}
	for name, p := range params {
		if p["required"] == true && q.Get(name) == "" {
			errs = append(errs, fmt.Sprintf("required query parameter %q missing", name))
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// ValidateBody checks a request body against the operation's body parameter.
func (d *Doc) ValidateBody(opID string, body []byte) error {
	_, _, op, err := d.Operation(opID)
	if err != nil {
		return err
	}
	for _, p := range op["parameters"].([]any) {
		pm := p.(map[string]any)
		if pm["in"] == "body" {
			return d.Validate(pm["schema"].(map[string]any), body)
		}
	}
	return fmt.Errorf("%s takes no body", opID)
}

func asList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

func num(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}
