/*
 * envbench-measure: run one command and report what it cost.
 *
 * Node cannot give per-child resource usage, so EnvBench measures every command through this
 * tiny static helper (it also runs inside containers and Nix shells, hence static):
 *   - wall time: CLOCK_MONOTONIC from just before fork to wait4() returning (as hyperfine does);
 *   - CPU and peak RSS: getrusage(RUSAGE_CHILDREN) delta, which covers the whole tree because
 *     the helper is a child subreaper and reaps every descendant;
 *   - I/O: delta of /proc/self/io, into which the kernel folds the counters of reaped children:
 *     bytes (rchar/wchar, read_bytes/write_bytes) and read/write-like system calls (syscr/syscw).
 *     Opens are not counted: Linux keeps no open(2) counter short of tracing.
 *
 * Usage: envbench-measure [--timeout-ms N] [--] COMMAND [ARG...]
 * The command inherits stdin/stdout/stderr. The result is written as one JSON line to
 * stderr, prefixed by "\n" RESULT_MARKER, in a single write after the command and its
 * descendants are gone.
 * SIGTERM/SIGINT/SIGHUP to the helper kill the command's process group and still report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RESULT_MARKER "\x1e" "ENVBENCH-MEASURE "

struct io_counters { uint64_t rchar, wchar, syscr, syscw, read_bytes, write_bytes; int ok; };

static volatile sig_atomic_t child_pgid = 0;
static volatile sig_atomic_t timed_out = 0;
static volatile sig_atomic_t cancelled = 0;

/*
 * The kernel counts a read(2) after producing its text, so of our own calls exactly one falls
 * between the two snapshots: the single read(2) of the first one. It is taken off readCalls
 * (the exec-error pipe is read after the second snapshot, so it is not in the window).
 */
#define SELF_READ_CALLS 1

static void read_io(struct io_counters *io) {
  memset(io, 0, sizeof *io);
  int fd = open("/proc/self/io", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char text[1024];
  ssize_t n;
  do { n = read(fd, text, sizeof text - 1); } while (n < 0 && errno == EINTR);
  close(fd);
  if (n <= 0) return;
  text[n] = '\0';
  for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    char key[64];
    unsigned long long value;
    if (sscanf(line, "%63[^:]: %llu", key, &value) != 2) continue;
    if (!strcmp(key, "rchar")) io->rchar = value;
    else if (!strcmp(key, "wchar")) io->wchar = value;
    else if (!strcmp(key, "syscr")) io->syscr = value;
    else if (!strcmp(key, "syscw")) io->syscw = value;
    else if (!strcmp(key, "read_bytes")) io->read_bytes = value;
    else if (!strcmp(key, "write_bytes")) io->write_bytes = value;
  }
  io->ok = 1;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double tv_ms(struct timeval tv) { return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0; }

static void kill_child_group(void) {
  if (child_pgid > 0) kill(-child_pgid, SIGKILL);
}

static void on_alarm(int sig) { (void)sig; timed_out = 1; kill_child_group(); }
static void on_terminate(int sig) { (void)sig; cancelled = 1; kill_child_group(); }

/* Writes s as a JSON string (or null) into buf; returns the length written. */
static int json_string(char *buf, size_t size, const char *s) {
  size_t n = 0;
  if (!s) return snprintf(buf, size, "null");
  buf[n++] = '"';
  for (; *s && n + 8 < size; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') { buf[n++] = '\\'; buf[n++] = (char)c; }
    else if (c < 0x20) n += (size_t)snprintf(buf + n, size - n, "\\u%04x", c);
    else buf[n++] = (char)c;
  }
  buf[n++] = '"';
  buf[n] = '\0';
  return (int)n;
}

int main(int argc, char **argv) {
  long timeout_ms = 0;
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--")) { i++; break; }
    if (!strcmp(argv[i], "--timeout-ms") && i + 1 < argc) { timeout_ms = strtol(argv[++i], NULL, 10); continue; }
    if (!strcmp(argv[i], "--version")) { puts("envbench-measure 1"); return 0; }
    if (argv[i][0] == '-') { fprintf(stderr, "envbench-measure: unknown option %s\n", argv[i]); return 125; }
    break;
  }
  if (i >= argc) { fprintf(stderr, "usage: envbench-measure [--timeout-ms N] [--] COMMAND [ARG...]\n"); return 125; }
  char **command = &argv[i];

  /* Orphaned grandchildren are re-parented to us, so their usage is reaped and counted too. */
  prctl(PR_SET_CHILD_SUBREAPER, 1);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_terminate;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);

  /* Reports exec failures from the child: closed by a successful exec (CLOEXEC). */
  int exec_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) { perror("envbench-measure: pipe"); return 125; }

  struct io_counters io_before, io_after;
  struct rusage ru_before, ru_after;
  read_io(&io_before);
  getrusage(RUSAGE_CHILDREN, &ru_before);

  uint64_t start = now_ns();
  pid_t pid = fork();
  if (pid < 0) { perror("envbench-measure: fork"); return 125; }
  if (pid == 0) {
    /* Own process group so a timeout or cancel kills the whole tree; die with the helper. */
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    execvp(command[0], command);
    int err = errno;
    ssize_t ignored = write(exec_pipe[1], &err, sizeof err);
    (void)ignored;
    _exit(127);
  }
  setpgid(pid, pid); /* also here, so the group exists before any signal is sent */
  child_pgid = pid;
  close(exec_pipe[1]);
  if (timeout_ms > 0) {
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = timeout_ms / 1000;
    it.it_value.tv_usec = (timeout_ms % 1000) * 1000;
    setitimer(ITIMER_REAL, &it, NULL);
  }

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) { perror("envbench-measure: wait"); return 125; }
  }
  uint64_t end = now_ns();

  /* Reap descendants that outlived the command (re-parented to us); stop stragglers first. */
  kill(-pid, SIGKILL);
  while (waitpid(-1, NULL, 0) > 0 || errno == EINTR) {}

  getrusage(RUSAGE_CHILDREN, &ru_after);
  read_io(&io_after);

  int exec_errno = 0;
  ssize_t got;
  do { got = read(exec_pipe[0], &exec_errno, sizeof exec_errno); } while (got < 0 && errno == EINTR);
  if (got != (ssize_t)sizeof exec_errno) exec_errno = 0;
  uint64_t read_calls = io_after.syscr - io_before.syscr;
  read_calls = read_calls > SELF_READ_CALLS ? read_calls - SELF_READ_CALLS : 0;

  int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  /* One write(2) of less than PIPE_BUF, so the report never interleaves with or splits across reads. */
  char report[2048];
  int len = snprintf(report, sizeof report,
          "\n" RESULT_MARKER "{\"wallNs\":%llu,\"userMs\":%.3f,\"sysMs\":%.3f,\"maxRssKb\":%ld,"
          "\"readBytes\":%llu,\"writeBytes\":%llu,\"blockReadBytes\":%llu,\"blockWriteBytes\":%llu,"
          "\"readCalls\":%llu,\"writeCalls\":%llu,\"ioAvailable\":%s,"
          "\"exitCode\":%d,\"signal\":%d,\"timedOut\":%s,\"cancelled\":%s,\"execError\":",
          (unsigned long long)(end - start), tv_ms(ru_after.ru_utime) - tv_ms(ru_before.ru_utime),
          tv_ms(ru_after.ru_stime) - tv_ms(ru_before.ru_stime), ru_after.ru_maxrss,
          (unsigned long long)(io_after.rchar - io_before.rchar), (unsigned long long)(io_after.wchar - io_before.wchar),
          (unsigned long long)(io_after.read_bytes - io_before.read_bytes),
          (unsigned long long)(io_after.write_bytes - io_before.write_bytes),
          (unsigned long long)read_calls, (unsigned long long)(io_after.syscw - io_before.syscw),
          io_before.ok && io_after.ok ? "true" : "false",
          exit_code, WIFSIGNALED(status) ? WTERMSIG(status) : 0, timed_out ? "true" : "false", cancelled ? "true" : "false");
  len += json_string(report + len, sizeof report - len - 4, exec_errno ? strerror(exec_errno) : NULL);
  len += snprintf(report + len, sizeof report - len, "}\n");
  ssize_t written = write(STDERR_FILENO, report, (size_t)len);
  (void)written;
  return exit_code;
}
