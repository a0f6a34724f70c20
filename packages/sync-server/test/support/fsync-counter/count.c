/* Counts fsync and fdatasync calls: LD_PRELOAD it with FSYNC_LOG=file, and each call appends "sync" to the file. For tests only. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static int log_fd = -1;
__attribute__((constructor)) static void init(void) {
  const char *p = getenv("FSYNC_LOG");
  if (p) log_fd = open(p, O_WRONLY | O_APPEND | O_CREAT, 0644);
}
static void note(const char *what) { if (log_fd >= 0) write(log_fd, what, strlen(what)); }
int fsync(int fd) { static int (*real)(int) = 0; if (!real) real = dlsym(RTLD_NEXT, "fsync"); note("sync\n"); return real(fd); }
int fdatasync(int fd) { static int (*real)(int) = 0; if (!real) real = dlsym(RTLD_NEXT, "fdatasync"); note("sync\n"); return real(fd); }
