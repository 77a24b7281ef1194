package handlers_test

import (
	"testing"

	"github.com/renkei-oss/renkei/domain/store/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }
