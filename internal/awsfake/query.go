package awsfake

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

//go:embed models/rds-outputs.json
var rdsModelJSON []byte

type xmlModel struct {
	Metadata struct {
		XMLNamespace string `json:"xmlNamespace"`
	} `json:"metadata"`
	Operations map[string]struct {
		Output struct {
			Shape         string `json:"shape"`
			ResultWrapper string `json:"resultWrapper"`
		} `json:"output"`
	} `json:"operations"`
	Shapes map[string]xmlShape `json:"shapes"`
}

type xmlShape struct {
	Type      string               `json:"type"`
	Members   map[string]xmlMember `json:"members"`
	Order     []string             `json:"order"`
	Member    *xmlMember           `json:"member"`
	Flattened bool                 `json:"flattened"`
}

type xmlMember struct {
	Shape        string `json:"shape"`
	LocationName string `json:"locationName"`
}

func loadRDSModel() (*xmlModel, error) {
	var m xmlModel
	if err := json.Unmarshal(rdsModelJSON, &m); err != nil {
		return nil, fmt.Errorf("load RDS model: %w", err)
	}
	return &m, nil
}

// rdsXML renders an RDS query-protocol answer for op from a botocore-shaped output.
func (m *xmlModel) render(op string, out Item, reqID string) ([]byte, error) {
	o, ok := m.Operations[op]
	if !ok {
		return nil, fmt.Errorf("no model for %s", op)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<%sResponse xmlns="%s"><%s>`, op, m.Metadata.XMLNamespace, o.Output.ResultWrapper)
	if err := m.members(&b, o.Output.Shape, out); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, `</%s><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`,
		o.Output.ResultWrapper, reqID, op)
	return b.Bytes(), nil
}

func (m *xmlModel) members(b *bytes.Buffer, shapeName string, v Item) error {
	sh := m.Shapes[shapeName]
	for _, name := range sh.Order {
		val, ok := v[name]
		if !ok || val == nil {
			continue
		}
		mem := sh.Members[name]
		el := name
		if mem.LocationName != "" {
			el = mem.LocationName
		}
		if err := m.value(b, el, mem.Shape, val); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (m *xmlModel) value(b *bytes.Buffer, el, shapeName string, v any) error {
	sh, ok := m.Shapes[shapeName]
	if !ok {
		return fmt.Errorf("unknown shape %s", shapeName)
	}
	switch sh.Type {
	case "structure":
		item, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("want an object, got %T", v)
		}
		b.WriteString("<" + el + ">")
		if err := m.members(b, shapeName, item); err != nil {
			return err
		}
		b.WriteString("</" + el + ">")
	case "list":
		list, ok := v.([]any)
		if !ok {
			if items, ok2 := v.([]Item); ok2 {
				for _, it := range items {
					list = append(list, it)
				}
			} else if strs, ok2 := v.([]string); ok2 {
				for _, it := range strs {
					list = append(list, it)
				}
			} else {
				return fmt.Errorf("want a list, got %T", v)
			}
		}
		memberEl := "member"
		if sh.Member.LocationName != "" {
			memberEl = sh.Member.LocationName
		}
		if !sh.Flattened {
			b.WriteString("<" + el + ">")
		} else {
			memberEl = el
		}
		for _, it := range list {
			if err := m.value(b, memberEl, sh.Member.Shape, it); err != nil {
				return err
			}
		}
		if !sh.Flattened {
			b.WriteString("</" + el + ">")
		}
	default:
		b.WriteString("<" + el + ">")
		if err := xml.EscapeText(b, []byte(scalarText(sh.Type, v))); err != nil {
			return fmt.Errorf("escape: %w", err)
		}
		b.WriteString("</" + el + ">")
	}
	return nil
}

func scalarText(typ string, v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z")
	case bool:
		return strconv.FormatBool(x)
	case float64:
		if typ == "integer" || typ == "long" || x == math.Trunc(x) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// writeError answers an error in the request's protocol.
func writeError(w http.ResponseWriter, req *request, e *apiError, reqID string) {
	w.Header().Set("X-Amzn-Requestid", reqID)
	switch req.protocol {
	case "json":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Errortype", e.code)
		w.WriteHeader(e.status)
		body, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.message})
		_, _ = w.Write(body)
	case "cbor":
		w.Header().Set("Content-Type", "application/cbor")
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.WriteHeader(e.status)
		_, _ = w.Write(encodeCBORError(e.code, e.message))
	default:
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(e.status)
		typ := "Sender"
		if e.status >= 500 {
			typ = "Receiver"
		}
		if req.service == "ec2" {
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
				xmlEscape(e.code), xmlEscape(e.message), reqID)
			return
		}
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			typ, xmlEscape(e.code), xmlEscape(e.message), reqID)
	}
}

// ---- STS, EC2 (query protocols, hand-written answers) ----

func (s *Server) sts(req *request, acct *Account) ([]byte, error) {
	const ns = "https://sts.amazonaws.com/doc/2011-06-15/"
	switch req.op {
	case "GetCallerIdentity":
		arn := fmt.Sprintf("arn:aws:iam::%s:user/fake", acct.ID)
		if strings.HasPrefix(req.accessKey, "ASIAFAKE") {
			arn = fmt.Sprintf("arn:aws:sts::%s:assumed-role/fake/scanner", acct.ID)
		}
		return fmt.Appendf(nil, `<GetCallerIdentityResponse xmlns="%s"><GetCallerIdentityResult><Arn>%s</Arn><UserId>AIDAFAKE%s</UserId><Account>%s</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
			ns, arn, acct.ID, acct.ID), nil
	case "AssumeRole":
		roleARN := req.form.Get("RoleArn")
		parts := strings.Split(roleARN, ":")
		if len(parts) < 6 || !strings.HasPrefix(parts[5], "role/") {
			return nil, errf(400, "ValidationError", "invalid RoleArn %q", roleARN)
		}
		target, ok := s.accounts[parts[4]]
		if !ok || (target.ExternalID != "" && target.ExternalID != req.form.Get("ExternalId")) {
			return nil, errf(403, "AccessDenied", "User: arn:aws:iam::%s:user/fake is not authorized to perform: sts:AssumeRole on resource: %s", acct.ID, roleARN)
		}
		key := "ASIAFAKE" + target.ID
		s.keys.Store(key, target.ID)
		token, expires := s.newSession()
		exp := expires.UTC().Format("2006-01-02T15:04:05.000Z")
		return fmt.Appendf(nil, `<AssumeRoleResponse xmlns="%s"><AssumeRoleResult><Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>fake-secret</SecretAccessKey><SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn><AssumedRoleId>AROAFAKE:%s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			ns, key, token, exp, target.ID, strings.TrimPrefix(parts[5], "role/"), xmlEscape(req.form.Get("RoleSessionName")), xmlEscape(req.form.Get("RoleSessionName"))), nil
	}
	return nil, errf(400, "InvalidAction", "%s is not served by the fake", req.op)
}

func (s *Server) ec2(req *request, acct *Account) ([]byte, error) {
	if req.op != "DescribeRegions" {
		return nil, errf(400, "InvalidAction", "%s is not served by the fake", req.op)
	}
	var b bytes.Buffer
	b.WriteString(`<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><regionInfo>`)
	for _, r := range acct.EnabledRegions {
		fmt.Fprintf(&b, `<item><regionName>%s</regionName><regionEndpoint>ec2.%s.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>`, r, r)
	}
	b.WriteString(`</regionInfo></DescribeRegionsResponse>`)
	return b.Bytes(), nil
}
