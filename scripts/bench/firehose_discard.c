// bench-firehose.sh helper: COUNT subscribeRepos connections that read and discard bytes, in C
// with epoll, so that 1,000 subscribers cost the (shared, 2-core) bench machine little next to
// the gateway they measure. Same contract as firehose_discard.py:
//   firehose_discard HOST PORT COUNT SECONDS
// prints "ready" once every handshake is done, then at the end a JSON line with the bytes read
// and how many connections the server closed.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

// The bench stops this process with SIGTERM: it then leaves its loop and still reports.
static volatile sig_atomic_t stopping = 0;
static void stop(int signal) { (void)signal; stopping = 1; }

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_subscriber(const char *host, const char *port) {
    struct addrinfo hints = {0}, *res;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
    int fd = socket(res->ai_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) { freeaddrinfo(res); return -1; }
    freeaddrinfo(res);
    char request[512];
    int n = snprintf(request, sizeof request,
                     "GET /xrpc/com.atproto.sync.subscribeRepos HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                     host, port);
    if (write(fd, request, n) != n) return -1;
    // Read the response head byte by byte, so no frame after it is consumed here.
    char head[2048];
    int len = 0;
    while (len < (int)sizeof head - 1) {
        if (read(fd, head + len, 1) != 1) return -1;
        len++;
        if (len >= 4 && memcmp(head + len - 4, "\r\n\r\n", 4) == 0) break;
    }
    head[len] = 0;
    if (!strstr(head, " 101 ")) return -1;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: %s HOST PORT COUNT SECONDS\n", argv[0]); return 2; }
    int count = atoi(argv[3]);
    double seconds = atof(argv[4]);
    signal(SIGTERM, stop);
    int ep = epoll_create1(0);
    for (int i = 0; i < count; i++) {
        int fd = open_subscriber(argv[1], argv[2]);
        if (fd < 0) { fprintf(stderr, "subscriber %d: handshake failed\n", i); return 1; }
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    printf("ready\n");
    fflush(stdout);
    long long total = 0;
    int closed = 0;
    double end = now() + seconds;
    struct epoll_event events[256];
    while (!stopping && now() < end) {
        int n = epoll_wait(ep, events, 256, 200);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            // MSG_TRUNC: the kernel drops what is queued without copying it out. The bytes are
            // discarded anyway, and the copy (1.4 GB/s at 1,000 subscribers) is work a remote
            // client does on its own machine, not on the one serving it.
            ssize_t got = recv(fd, NULL, 1 << 20, MSG_TRUNC);
            if (got > 0) { total += got; continue; }
            if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            closed++;
            epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
            close(fd);
        }
        // Read in rounds at most every 5 ms, as remote clients on their own machines would at
        // their pace: the socket buffers hold what arrives meanwhile, and this process (which
        // shares the server's cores only because the bench runs on one machine) wakes 200
        // times a second instead of on every delivery.
        if (n > 0) nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL);
    }
    printf("{\"bytes\": %lld, \"closed_by_server\": %d}\n", total, closed);
    return 0;
}
