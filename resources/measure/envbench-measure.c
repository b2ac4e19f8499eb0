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
 * Usage: envbench-measure [--timeout-ms N] [--watch-stdin] [--] COMMAND [ARG...]
 * The command inherits stdin/stdout/stderr. The result is written as one JSON line to
 * stderr, prefixed by "\n" RESULT_MARKER, in a single write after the command and its
 * descendants are gone.
 * SIGTERM/SIGINT/SIGHUP to the helper kill the command's process group and still report.
 *
 * The command never outlives EnvBench (a `kill -9` of EnvBench must not leave `go test`
 * running for minutes): the helper kills the command's process group as soon as it learns
 * that EnvBench is gone, by whichever of these applies:
 *   - ENVBENCH_MEASURE_OWNER ("pid:starttime:pidns", set by EnvBench) names EnvBench's process
 *     when it is in the helper's PID namespace. When it is the helper's parent (the native
 *     runtime), PR_SET_PDEATHSIG (SIGTERM) signals its death at once; set only then (a
 *     container's exec is parented by runc, which exits right away), and followed by a check
 *     that it is still alive, since it may die before the setting. Otherwise (Nix or Devbox
 *     stand between the two) the helper checks it every WATCH_INTERVAL_MS. It is not passed on
 *     to the command;
 *   - --watch-stdin: stdin is a pipe whose only writer is EnvBench (a container's `docker exec`,
 *     whose stdin the engine closes when EnvBench's connection drops): end of file means it is
 *     gone. The command then gets /dev/null as stdin.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RESULT_MARKER "\x1e" "ENVBENCH-MEASURE "

struct io_counters { uint64_t rchar, wchar, syscr, syscw, read_bytes, write_bytes; int ok; };

static volatile sig_atomic_t child_pgid = 0;
static volatile sig_atomic_t timed_out = 0;
static volatile sig_atomic_t cancelled = 0;
/* EnvBench is gone: the command was killed for that (reported as cancelled, to no one). */
static volatile sig_atomic_t owner_lost = 0;

/* How often the watch checks that EnvBench is still there: well within a second. */
#define WATCH_INTERVAL_MS 200
#define OWNER_ENV "ENVBENCH_MEASURE_OWNER"
static char owner_stat_path[64];
static pid_t owner_pid = 0;
static unsigned long long owner_start_time = 0;
static int watch_stdin = 0;
/* Reads the watch makes itself, taken off readBytes/readCalls like the helper's own read. */
static volatile unsigned long watch_read_calls = 0;
static volatile unsigned long watch_read_bytes = 0;

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

/* Counted read(2), for the watch: async-signal-safe. */
static ssize_t watch_read(int fd, char *buf, size_t size) {
  ssize_t n = read(fd, buf, size);
  watch_read_calls++;
  if (n > 0) watch_read_bytes += (unsigned long)n;
  return n;
}

/* Start time (field 22 of /proc/PID/stat) of a live process, 0 when gone or a zombie. Async-signal-safe. */
static unsigned long long live_start_time(const char *stat_path) {
  int fd = open(stat_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char text[1024];
  ssize_t n = watch_read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return 0;
  text[n] = '\0';
  /* The command name (field 2) may hold spaces and parentheses: fields start after the last ')'. */
  char *p = strrchr(text, ')');
  if (!p || p[1] != ' ') return 0;
  p += 2;
  if (*p == 'Z' || *p == 'X' || *p == 'x') return 0;
  for (int field = 3; field < 22 && *p; p++) if (*p == ' ') field++;
  unsigned long long value = 0;
  for (; *p >= '0' && *p <= '9'; p++) value = value * 10 + (unsigned long long)(*p - '0');
  return value;
}

/* True once stdin (a pipe EnvBench holds open) has reached end of file. Async-signal-safe. */
static int stdin_closed(void) {
  char discard[256];
  for (;;) {
    ssize_t n = watch_read(STDIN_FILENO, discard, sizeof discard);
    if (n > 0) continue;
    return n == 0;
  }
}

static int owner_gone(void) {
  if (owner_start_time && live_start_time(owner_stat_path) != owner_start_time) return 1;
  return watch_stdin && stdin_closed();
}

static void on_watch(int sig) {
  (void)sig;
  if (!owner_lost && owner_gone()) {
    owner_lost = 1;
    cancelled = 1;
    kill_child_group();
  }
}

/*
 * ENVBENCH_MEASURE_OWNER="pid:starttime:pidns": watch that process when it lives in our PID
 * namespace (elsewhere its PID means nothing here). Removed from the command's environment.
 */
static void read_owner(void) {
  const char *value = getenv(OWNER_ENV);
  if (!value) return;
  unsigned long long pid = 0, start = 0, pidns = 0;
  if (sscanf(value, "%llu:%llu:%llu", &pid, &start, &pidns) == 3 && pid > 0 && start > 0) {
    struct stat own;
    if (stat("/proc/self/ns/pid", &own) == 0 && (unsigned long long)own.st_ino == pidns) {
      snprintf(owner_stat_path, sizeof owner_stat_path, "/proc/%llu/stat", pid);
      owner_pid = (pid_t)pid;
      owner_start_time = start;
    }
  }
  unsetenv(OWNER_ENV);
}

/* After a cancel or a timeout: descendants that left the command's process group (and were re-parented to us) go too. */
static void kill_adopted_children(void) {
  DIR *proc = opendir("/proc");
  if (!proc) return;
  char path[300], text[512];
  pid_t self = getpid();
  for (struct dirent *entry; (entry = readdir(proc)) != NULL;) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t n = watch_read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) continue;
    text[n] = '\0';
    char *p = strrchr(text, ')');
    int ppid = 0;
    if (p && sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == self) kill(atoi(entry->d_name), SIGKILL);
  }
  closedir(proc);
}

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
    if (!strcmp(argv[i], "--watch-stdin")) { watch_stdin = 1; continue; }
    if (!strcmp(argv[i], "--version")) { puts("envbench-measure 1"); return 0; }
    if (argv[i][0] == '-') { fprintf(stderr, "envbench-measure: unknown option %s\n", argv[i]); return 125; }
    break;
  }
  if (i >= argc) { fprintf(stderr, "usage: envbench-measure [--timeout-ms N] [--watch-stdin] [--] COMMAND [ARG...]\n"); return 125; }
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

  /* Never outlive EnvBench (see the top of this file). */
  read_owner();
  if (watch_stdin) {
    struct stat in;
    if (fstat(STDIN_FILENO, &in) == 0 && (S_ISFIFO(in.st_mode) || S_ISSOCK(in.st_mode))) fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
    else watch_stdin = 0; /* not a pipe EnvBench holds: nothing to watch */
  }
  pid_t parent = getppid();
  int parent_is_owner = owner_pid > 0 && parent == owner_pid;
  if (parent_is_owner) prctl(PR_SET_PDEATHSIG, SIGTERM);
  /* The parent may have died before PR_SET_PDEATHSIG was set: then no signal comes. */
  if ((parent_is_owner && getppid() != parent) || owner_gone()) {
    fprintf(stderr, "envbench-measure: EnvBench is gone; not starting %s\n", command[0]);
    return 125;
  }
  sigset_t watch_signal;
  sigemptyset(&watch_signal);
  sigaddset(&watch_signal, SIGUSR2);
  if (owner_start_time || watch_stdin) {
    sa.sa_handler = on_watch;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &sa, NULL);
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR2;
    timer_t watch_timer;
    struct itimerspec every;
    memset(&every, 0, sizeof every);
    every.it_interval.tv_nsec = every.it_value.tv_nsec = WATCH_INTERVAL_MS * 1000000L;
    if (timer_create(CLOCK_MONOTONIC, &sev, &watch_timer) == 0) timer_settime(watch_timer, 0, &every, NULL);
  }

  /* Reports exec failures from the child: closed by a successful exec (CLOEXEC). */
  int exec_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) { perror("envbench-measure: pipe"); return 125; }

  struct io_counters io_before, io_after;
  struct rusage ru_before, ru_after;
  /* The watch's own reads are counted apart: no watch between a snapshot and its count. */
  sigprocmask(SIG_BLOCK, &watch_signal, NULL);
  read_io(&io_before);
  unsigned long watch_calls_before = watch_read_calls, watch_bytes_before = watch_read_bytes;
  sigprocmask(SIG_UNBLOCK, &watch_signal, NULL);
  getrusage(RUSAGE_CHILDREN, &ru_before);

  uint64_t start = now_ns();
  pid_t pid = fork();
  if (pid < 0) { perror("envbench-measure: fork"); return 125; }
  if (pid == 0) {
    /* Own process group so a timeout or cancel kills the whole tree; die with the helper. */
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (watch_stdin) {
      int nothing = open("/dev/null", O_RDONLY);
      if (nothing >= 0) dup2(nothing, STDIN_FILENO);
    }
    signal(SIGUSR2, SIG_DFL);
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
  if (cancelled) kill_child_group(); /* EnvBench went (or cancelled) before the group existed */
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
  if (cancelled || timed_out) kill_adopted_children();
  while (waitpid(-1, NULL, 0) > 0 || errno == EINTR) {}

  getrusage(RUSAGE_CHILDREN, &ru_after);
  sigprocmask(SIG_BLOCK, &watch_signal, NULL);
  read_io(&io_after);
  uint64_t watch_calls = watch_read_calls - watch_calls_before, watch_bytes = watch_read_bytes - watch_bytes_before;

  int exec_errno = 0;
  ssize_t got;
  do { got = read(exec_pipe[0], &exec_errno, sizeof exec_errno); } while (got < 0 && errno == EINTR);
  if (got != (ssize_t)sizeof exec_errno) exec_errno = 0;
  uint64_t read_calls = io_after.syscr - io_before.syscr;
  read_calls = read_calls > SELF_READ_CALLS + watch_calls ? read_calls - SELF_READ_CALLS - watch_calls : 0;
  uint64_t read_bytes = io_after.rchar - io_before.rchar;
  read_bytes = read_bytes > watch_bytes ? read_bytes - watch_bytes : 0;

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
          (unsigned long long)read_bytes, (unsigned long long)(io_after.wchar - io_before.wchar),
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
