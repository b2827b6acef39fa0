/*
 * Raw baseline for Strata's btrfs createWritable: BTRFS_IOC_SNAP_CREATE_V2 of SOURCE into
 * DIR/NAME (writable), LOOPS times a run; only the ioctls are timed, each snapshot is deleted
 * (BTRFS_IOC_SNAP_DESTROY, untimed) before the next, as `Compare snapshot` does with Strata's.
 * Prints one line per run: milliseconds for LOOPS snapshots.
 *
 *   btrfs_snapshot SOURCE DIR LOOPS RUNS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what, const char *arg) {
  fprintf(stderr, "btrfs_snapshot: %s %s: %s\n", what, arg, strerror(errno));
  exit(1);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: btrfs_snapshot SOURCE DIR LOOPS RUNS\n");
    return 2;
  }
  int loops = atoi(argv[3]), runs = atoi(argv[4]);
  for (int run = 0; run <= runs; run++) { /* run 0 is the warmup */
    double total = 0;
    for (int i = 0; i < loops; i++) {
      struct btrfs_ioctl_vol_args_v2 args;
      memset(&args, 0, sizeof args);
      snprintf(args.name, sizeof args.name, "snap-%d-%d", run, i);
      double start = now_ms();
      int source = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (source < 0) die("open", argv[1]);
      int dir = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir < 0) die("open", argv[2]);
      args.fd = source;
      if (ioctl(dir, BTRFS_IOC_SNAP_CREATE_V2, &args) < 0) die("BTRFS_IOC_SNAP_CREATE_V2", args.name);
      close(source);
      total += now_ms() - start;
      struct btrfs_ioctl_vol_args destroy;
      memset(&destroy, 0, sizeof destroy);
      snprintf(destroy.name, sizeof destroy.name, "%s", args.name);
      if (ioctl(dir, BTRFS_IOC_SNAP_DESTROY, &destroy) < 0) die("BTRFS_IOC_SNAP_DESTROY", destroy.name);
      close(dir);
    }
    if (run > 0) printf("%.3f\n", total);
    fflush(stdout);
  }
  return 0;
}
