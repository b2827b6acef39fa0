/*
 * Raw baseline for Strata's overlay mount: the same mount, made the same way (fsopen("overlay"),
 * one fsconfig per option and one "lowerdir+" per lower, FSCONFIG_CMD_CREATE, fsmount,
 * move_mount), then umount2(UMOUNT_NOFOLLOW), LOOPS times a run. The spec file is what
 * `Compare mount` wrote: the target on the first line, then the driver's options one a line.
 * Prints one line per run: milliseconds for LOOPS mount+umount pairs.
 *
 *   overlay_mount SPEC LOOPS RUNS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef FSCONFIG_SET_FLAG
#define FSCONFIG_SET_FLAG 0
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_CMD_CREATE 6
#endif
#define FSOPEN_CLOEXEC_ 0x1
#define FSMOUNT_CLOEXEC_ 0x1
#define MOVE_MOUNT_F_EMPTY_PATH_ 0x4
#define UMOUNT_NOFOLLOW_ 0x8
#define ATTR_RDONLY 0x1

static char *target;
static char *options[1024];
static int option_count;

static void die(const char *what, const char *arg) {
  fprintf(stderr, "overlay_mount: %s %s: %s\n", what, arg, strerror(errno));
  exit(1);
}

static void mount_once(void) {
  unsigned long attributes = 0;
  int fs = (int) syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC_);
  if (fs < 0) die("fsopen", "overlay");
  for (int i = 0; i < option_count; i++) {
    char *o = options[i];
    char *eq = strchr(o, '=');
    if (strcmp(o, "ro") == 0) {
      attributes |= ATTR_RDONLY;
      if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0) die("fsconfig", o);
    } else if (strncmp(o, "lowerdir=", 9) == 0) {
      char copy[65536];
      snprintf(copy, sizeof copy, "%s", o + 9);
      for (char *save, *l = strtok_r(copy, ":", &save); l; l = strtok_r(NULL, ":", &save)) {
        if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", l, 0) < 0) die("fsconfig lowerdir+", l);
      }
    } else if (eq) {
      *eq = 0;
      long r = syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, o, eq + 1, 0);
      *eq = '=';
      if (r < 0) die("fsconfig", o);
    } else if (strcmp(o, "rw") != 0) {
      if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, o, NULL, 0) < 0) die("fsconfig", o);
    }
  }
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) die("fsconfig create", target);
  int mnt = (int) syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC_, attributes);
  if (mnt < 0) die("fsmount", target);
  if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH_) < 0) die("move_mount", target);
  close(mnt);
  close(fs);
  if (umount2(target, UMOUNT_NOFOLLOW_) < 0) die("umount2", target);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: overlay_mount SPEC LOOPS RUNS\n");
    return 2;
  }
  FILE *spec = fopen(argv[1], "r");
  if (!spec) die("open", argv[1]);
  static char line[65536];
  while (fgets(line, sizeof line, spec)) {
    line[strcspn(line, "\n")] = 0;
    if (!target) target = strdup(line);
    else if (option_count < 1024) options[option_count++] = strdup(line);
  }
  fclose(spec);
  int loops = atoi(argv[2]), runs = atoi(argv[3]);
  for (int run = 0; run <= runs; run++) { /* run 0 is the warmup */
    double start = now_ms();
    for (int i = 0; i < loops; i++) mount_once();
    double elapsed = now_ms() - start;
    if (run > 0) printf("%.3f\n", elapsed);
    fflush(stdout);
  }
  return 0;
}
