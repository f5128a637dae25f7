#include <catch2/catch.hpp>

#include "parallel/resources.hpp"
#include "parallel/topology.hpp"

using namespace geostrip;

TEST_CASE("the process's cgroup path is found for v1 controllers and v2", "[parallel]") {
  const char* v1 = "9:name=systemd:/\n4:memory:/slurm/uid_0/job_7/step_0\n1:cpu,cpuacct:/slurm/uid_0/job_7\n0::/\n";
  CHECK(cgroup_path(v1, "memory") == "/slurm/uid_0/job_7/step_0");
  CHECK(cgroup_path(v1, "cpu") == "/slurm/uid_0/job_7");
  CHECK(cgroup_path(v1, "cpuset") == std::nullopt);
  CHECK(cgroup_path(v1, "") == "");  // v2 line at the root
  CHECK(cgroup_path("0::/system.slice/job.scope\n", "") == "/system.slice/job.scope");
}

TEST_CASE("CPU quotas become CPU counts", "[parallel]") {
  CHECK(parse_cpu_max("200000 100000\n") == 2.0);
  CHECK(parse_cpu_max("150000 100000") == 1.5);
  CHECK(parse_cpu_max("max 100000\n") == std::nullopt);
  CHECK(cfs_cpus(-1, 100000) == std::nullopt);
  CHECK(cfs_cpus(400000, 100000) == 4.0);
}

TEST_CASE("memory limits ignore 'max' and the kernel's 'unlimited'", "[parallel]") {
  CHECK(parse_memory_limit("4294967296\n") == 4294967296ull);
  CHECK(parse_memory_limit("max\n") == std::nullopt);
  CHECK(parse_memory_limit("9223372036854771712") == std::nullopt);
}

TEST_CASE("CPU lists print as ranges and read back, as cgroups write them", "[parallel]") {
  CHECK(format_cpu_list({0, 1, 2, 3, 8, 10, 11}) == "0-3,8,10-11");
  CHECK(format_cpu_list({5}) == "5");
  CHECK(parse_cpu_list("0-3,8,10-11\n") == std::vector<int>{0, 1, 2, 3, 8, 10, 11});
  CHECK(parse_cpu_list("5") == std::vector<int>{5});
  for (const char* bad : {"3-1", "a", "0-", "-2", "0-99999"}) CHECK(parse_cpu_list(bad).empty());
}

TEST_CASE("ranks sharing CPUs split them, cgroup and Slurm cap the cores", "[parallel]") {
  // Two ranks unbound on a 4-CPU node: 2 cores each.
  CHECK(core_share({0, 1, 2, 3}, {{0, 1, 2, 3}, {0, 1, 2, 3}}) == 2.0);
  // Bound to disjoint halves: each keeps its own.
  CHECK(core_share({0, 1}, {{0, 1}, {2, 3}}) == 2.0);
  CHECK(core_share({0, 1, 2, 3}, {{0, 1, 2, 3}}) == 4.0);
  CpuLimits cpu;
  cpu.affinity = {0, 1, 2, 3};
  CHECK(usable_cores(cpu, 4.0) == 4);
  cpu.cgroup_cpus = 2.5;
  CHECK(usable_cores(cpu, 4.0) == 2);
  cpu.slurm_cpus_per_task = 1;
  CHECK(usable_cores(cpu, 4.0) == 1);
  CHECK(usable_cores(CpuLimits{}, 0.5) == 1);  // never less than one
}

TEST_CASE("sizes print in the unit that keeps their digits: GiB, MiB, or KiB below 1 MiB", "[parallel]") {
  CHECK(format_bytes(1024) == "1 KiB");
  CHECK(format_bytes(1000) == "1 KiB");  // rounded up: a need is never shown smaller than it is
  CHECK(format_bytes(512 * 1024) == "512 KiB");
  CHECK(format_bytes(3 << 20) == "3 MiB");
  CHECK(format_bytes(std::uint64_t{3} << 30) == "3.0 GiB");
}
