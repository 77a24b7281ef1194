package amazon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// BodyError says a response body did not have the shape the model promises.
// Field names the JSON path that was missing or wrong, so the API log can
// point at it.
type BodyError struct {
	Op    string
	Field string
	Err   error
}

func (e *BodyError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("amazon %s: malformed response at %s: %v", e.Op, e.Field, e.Err)
	}
	return fmt.Sprintf("amazon %s: malformed response: %v", e.Op, e.Err)
}

func (e *BodyError) Unwrap() error { return e.Err }

func decode(op string, body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return &BodyError{Op: op, Err: err}
	}
	return nil
}

// ParseSearchOrders decodes and checks a searchOrders 200 body.
func ParseSearchOrders(body []byte) (*SearchOrdersResponse, error) {
	var raw struct {
		SearchOrdersResponse
		Orders *[]json.RawMessage `json:"orders"`
	}
	if err := decode("searchOrders", body, &raw); err != nil {
		return nil, err
	}
	if raw.Orders == nil {
		return nil, &BodyError{Op: "searchOrders", Field: "orders", Err: errMissing}
	}
	resp := raw.SearchOrdersResponse
	resp.Orders = make([]Order, len(*raw.Orders))
	for i, r := range *raw.Orders {
		o := &resp.Orders[i]
		if err := json.Unmarshal(r, o); err != nil {
			return nil, &BodyError{Op: "searchOrders", Field: fmt.Sprintf("orders[%d]", i), Err: err}
		}
		if err := checkOrder(o); err != nil {
			err.Op = "searchOrders"
			err.Field = fmt.Sprintf("orders[%d].%s", i, err.Field)
			return nil, err
		}
		o.Raw = r
	}
	return &resp, nil
}

// ParseGetOrder decodes and checks a getOrder 200 body.
func ParseGetOrder(body []byte) (*Order, error) {
	var raw struct {
		Order json.RawMessage `json:"order"`
	}
	if err := decode("getOrder", body, &raw); err != nil {
		return nil, err
	}
	if len(raw.Order) == 0 || string(raw.Order) == "null" {
		return nil, &BodyError{Op: "getOrder", Field: "order", Err: errMissing}
	}
	var o Order
	if err := json.Unmarshal(raw.Order, &o); err != nil {
		return nil, &BodyError{Op: "getOrder", Field: "order", Err: err}
	}
	if err := checkOrder(&o); err != nil {
		err.Op = "getOrder"
		err.Field = "order." + err.Field
		return nil, err
	}
	o.Raw = raw.Order
	return &o, nil
}

// ParseErrorList decodes an SP-API error body; ok is false when the body is
// not one (an HTML gateway page, say).
func ParseErrorList(body []byte) (ErrorList, bool) {
	var el ErrorList
	if json.Unmarshal(body, &el) != nil || len(el.Errors) == 0 {
		return ErrorList{}, false
	}
	return el, true
}

var errMissing = fmt.Errorf("required field missing")

// checkOrder enforces the model's required fields and the formats the
// normaliser depends on, so mapping never has to guess.
func checkOrder(o *Order) *BodyError {
	bad := func(field string, err error) *BodyError { return &BodyError{Field: field, Err: err} }
	if o.OrderID == "" {
		return bad("orderId", errMissing)
	}
	if _, err := parseTime(o.CreatedTime); err != nil {
		return bad("createdTime", err)
	}
	if _, err := parseTime(o.LastUpdatedTime); err != nil {
		return bad("lastUpdatedTime", err)
	}
	if o.SalesChannel.ChannelName == "" {
		return bad("salesChannel.channelName", errMissing)
	}
	if o.OrderItems == nil {
		return bad("orderItems", errMissing)
	}
	if o.Fulfillment != nil && o.Fulfillment.FulfillmentStatus == "" {
		return bad("fulfillment.fulfillmentStatus", errMissing)
	}
	for i, it := range o.OrderItems {
		if it.OrderItemID == "" {
			return bad(fmt.Sprintf("orderItems[%d].orderItemId", i), errMissing)
		}
		if it.QuantityOrdered < 0 {
			return bad(fmt.Sprintf("orderItems[%d].quantityOrdered", i), fmt.Errorf("negative quantity %d", it.QuantityOrdered))
		}
	}
	return nil
}

// parseTime accepts the ISO 8601 forms Amazon sends ("Z" or an offset,
// with or without fractional seconds).
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errMissing
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an ISO 8601 date-time: %q", s)
	}
	return t, nil
}

// FormatTime renders a time the way Amazon's query parameters expect: UTC,
// second precision, "Z". Amazon rejects local offsets such as +09:00 in some
// operations, so the JST→UTC conversion happens here and only here.
func FormatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}
