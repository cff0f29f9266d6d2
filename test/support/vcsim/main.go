// A vCenter simulator for Vigil's tests: govmomi's simulator.VPX() model (1 datacenter,
// 1 standalone host, 1 cluster of 3 hosts, 2 VMs per resource pool) served over the real
// vim25 SOAP API at /sdk on a loopback port. Prints one JSON line with the URL and the only
// credentials it accepts, then serves until SIGTERM or SIGINT. With -guest-info one VM also
// reports what VMware Tools would (an IP address, two guest disks, CPU and memory in use) and an
// uptime, which the default model leaves empty.
package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// The VM that -guest-info fills in, and what it reports.
const guestVM = "DC0_C0_RP0_VM0"

func main() {
	port := flag.Int("port", 0, "port on 127.0.0.1 (0: any free one)")
	user := flag.String("user", "vigil", "the one user name Login accepts")
	password := flag.String("password", "vigil-vcsim", "the one password Login accepts")
	useTLS := flag.Bool("tls", false, "serve https with the simulator's self-signed certificate")
	guestInfo := flag.Bool("guest-info", false, "give "+guestVM+" an IP address, guest disks and CPU and memory usage")
	flag.Parse()

	model := simulator.VPX()
	if err := model.Create(); err != nil {
		fail("create model", err)
	}
	if *guestInfo {
		fillGuestInfo()
	}
	// Without explicit credentials the simulator accepts any non-empty user and password,
	// which would leave no way to test a failed login.
	model.Service.Listen = &url.URL{
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)),
		User: url.UserPassword(*user, *password),
	}
	if *useTLS {
		model.Service.TLS = new(tls.Config)
	}
	server := model.Service.NewServer()

	ready := map[string]string{"url": server.URL.Scheme + "://" + server.URL.Host + server.URL.Path, "username": *user, "password": *password}
	if *useTLS {
		caFile, err := server.CertificateFile()
		if err != nil {
			fail("write certificate", err)
		}
		ready["caFile"] = caFile
	}
	line, _ := json.Marshal(ready)
	fmt.Println(string(line))

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
	server.Close()
	model.Remove()
}

func fillGuestInfo() {
	for _, entity := range simulator.Map.All("VirtualMachine") {
		vm, ok := entity.(*simulator.VirtualMachine)
		if !ok || vm.Name != guestVM {
			continue
		}
		vm.Guest.IpAddress = "192.0.2.10"
		vm.Guest.Disk = []types.GuestDiskInfo{
			{DiskPath: "/", Capacity: 10737418240, FreeSpace: 4294967296},
			{DiskPath: "/var/lib/data", Capacity: 53687091200, FreeSpace: 48318382080},
		}
		vm.Summary.QuickStats.OverallCpuUsage = 573
		vm.Summary.QuickStats.GuestMemoryUsage = 8
		vm.Summary.QuickStats.UptimeSeconds = 4242
		vm.Summary.Runtime.MaxCpuUsage = 2294
		return
	}
	fail("guest info", fmt.Errorf("no VM named %s", guestVM))
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "vcsim: %s: %v\n", what, err)
	os.Exit(1)
}
