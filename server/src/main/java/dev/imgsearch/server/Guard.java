package dev.imgsearch.server;

import com.google.common.util.concurrent.RateLimiter;
import dev.imgsearch.core.InvalidInputException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.function.IntSupplier;

/**
 * What every request passes first: the security headers of every response, the {@code Host} check on loopback
 * (against DNS rebinding), the bearer token of the API and the {@code Content-Length} check of uploads, all
 * before a body is read.
 */
final class Guard {
  /** The Content-Security-Policy of every response: no inline script or style, nothing from elsewhere. */
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
      + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
      + "form-action 'self'";

  private final boolean loopback;
  private final String token;
  private final long maxUploadBytes;
  /**
   * An oversized body of up to this many times the limit (and at most {@link #MAX_DRAIN} bytes) is read and thrown
   * away before the 413, so that a client that writes its whole body before reading (browsers, most HTTP clients)
   * gets the answer instead of a reset connection; a larger one is refused at once and the connection closed.
   * A client that asked {@code Expect: 100-continue} (curl does for large bodies) has sent no body yet: it gets the
   * 413 at once and sends none.
   */
  private static final long DRAIN_FACTOR = 4;
  private static final long MAX_DRAIN = 64L << 20;
  /**
   * All discarded bodies together are read at most this fast, so a flood of oversized uploads costs the server a
   * bounded share of its CPU instead of all it can read: each flooding client waits longer for its 413, and searches
   * keep their turns (benchmarks/server). A person whose photo is over the limit waits a fraction of a second.
   */
  static final double DRAIN_BYTES_PER_SECOND = 32 << 20;
  /** Bodies discarded at once (each holds a server thread while it waits its turn); beyond, the connection closes. */
  static final int MAX_DRAINS = 32;
  private final RateLimiter drainRate = RateLimiter.create(DRAIN_BYTES_PER_SECOND);
  private final Semaphore drains = new Semaphore(MAX_DRAINS);
  private final IntSupplier port;

  /**
   * @throws InvalidInputException when {@code host} is beyond loopback without a token, the token is short or the
   *     host unknown
   */
  Guard(String host, String token, long maxUploadBytes, IntSupplier port) {
    this.loopback = isLoopback(host);
    if (!loopback && (token == null || token.isEmpty())) {
      throw new InvalidInputException("Refusing to serve on " + host + " without a token: that address is "
          + "reachable from other machines, and the API would serve every indexed image to anyone. Set a bearer "
          + "token with token(...) (at least 16 characters), or bind 127.0.0.1.");
    }
    if (token != null && token.length() < 16) {
      throw new InvalidInputException("The token has " + token.length() + " characters; use at least 16 random "
          + "characters (e.g. from: openssl rand -hex 16).");
    }
    this.token = token;
    this.maxUploadBytes = maxUploadBytes;
    this.port = port;
  }

  /** Headers for every response, the Host check, the token check and the body size check. */
  void check(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cross-Origin-Resource-Policy", "same-origin");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (loopback && !loopbackHost(ctx.header("Host"))) {
      // A page elsewhere that resolves its own name to 127.0.0.1 (DNS rebinding) must not reach a loopback server.
      int p = port.getAsInt();
      throw new ApiException(421, "host-not-allowed", "Host not allowed",
          "This server listens on a loopback address only; open it as http://127.0.0.1:" + p + "/ or "
              + "http://localhost:" + p + "/.");
    }
    String path = ctx.path();
    if (token != null && path.startsWith("/api/") && !path.equals("/api/openapi.json") && !authorized(ctx)) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"imgsearch\"");
      throw new ApiException(401, "unauthorized", "Token required",
          "This server needs a token: send the header 'Authorization: Bearer <token>' (the page asks for it "
              + "and keeps it for this site). Ask whoever runs the server for the token.");
    }
    long length = ctx.contentLength();
    long limit = maxUploadBytes + Uploads.MULTIPART_SLACK;
    if (length > limit) {
      if (!expectsContinue(ctx)
          && (length > Math.min(DRAIN_FACTOR * limit, MAX_DRAIN) || !drain(ctx, length))) {
        ctx.header("Connection", "close"); // too much to read for nothing: the client may see the connection close
      }
      throw Problems.tooLarge(maxUploadBytes);
    }
  }

  /** Whether the client waits for a {@code 100 Continue} before it sends the body (none is sent before a 413). */
  private static boolean expectsContinue(Context ctx) {
    String expect = ctx.header("Expect");
    return expect != null && expect.trim().equalsIgnoreCase("100-continue");
  }

  /**
   * Waits for the body's turn at the shared {@link #DRAIN_BYTES_PER_SECOND}, then reads it and throws it away, so the
   * client (which sends its whole body before it reads an answer) reads the 413; false, without reading, when
   * {@link #MAX_DRAINS} are going. One wait per body, not one per read: a wait per read made the waiting threads
   * switch in and out thousands of times a second, which cost the searches more than the reading itself.
   */
  private boolean drain(Context ctx, long length) {
    if (!drains.tryAcquire()) {
      return false;
    }
    try {
      drainRate.acquire(Math.toIntExact(length));
      ctx.req().getInputStream().transferTo(OutputStream.nullOutputStream());
      return true;
    } catch (IOException e) {
      return true; // the client went away: nothing to answer
    } finally {
      drains.release();
    }
  }

  private boolean authorized(Context ctx) {
    String given;
    String auth = ctx.header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = auth.substring(7).trim();
    } else {
      given = ctx.cookie(ImageSearchServer.TOKEN_COOKIE);
    }
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean loopbackHost(String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end < 0 ? h : h.substring(1, end);
    } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
      h = h.substring(0, h.indexOf(':'));
    }
    return h.equals("localhost") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
  }

  private static boolean isLoopback(String host) {
    try {
      InetAddress a = InetAddress.getByName(host);
      return a.isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new InvalidInputException("Unknown host '" + host + "'; bind 127.0.0.1 (the default), or an address "
          + "of this machine.");
    }
  }
}
