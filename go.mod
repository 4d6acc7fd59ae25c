module github.com/ccgw-bridge/ccgw-bridge

go 1.26
