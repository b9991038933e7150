package collect

import "github.com/dbaudit/scanner/internal/awsfake"

// For the black-box tests of package collect_test.

// MatrixWorld builds the fault matrix's world (TestFaultMatrix).
var MatrixWorld = matrixWorld

// MatrixFault is the fault of the matrix column name in the wire protocol of service.
func MatrixFault(name, service string) awsfake.Fault {
	for _, mf := range matrixFaults {
		if mf.name == name {
			return mf.fault(protocol(service))
		}
	}
	panic("no matrix fault " + name)
}
