package dev.imgsearch.server;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A small client for the tests: real HTTP over loopback with java.net.http, plus raw requests over a socket. */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String base;
  private final String token;

  Http(int port) {
    this(port, null);
  }

  Http(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  /** A response with its body as bytes. */
  record Response(int status, HttpResponse<byte[]> raw) {
    String body() {
      return new String(raw.body(), StandardCharsets.UTF_8);
    }

    byte[] bytes() {
      return raw.body();
    }

    JsonObject json() {
      return JsonParser.parseString(body()).getAsJsonObject();
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    String contentType() {
      return header("Content-Type");
    }

    /** The problem type's last path segment, e.g. "corrupt-image". */
    String problemType() {
      JsonElement t = json().get("type");
      String s = t.getAsString();
      return s.substring(s.lastIndexOf('/') + 1);
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  Response get(String path, String... headers) {
    HttpRequest.Builder b = request(path).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b.build());
  }

  Response send(HttpRequest request) {
    try {
      HttpResponse<byte[]> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A multipart/form-data body. */
  static final class Multipart {
    final String boundary = "----imgsearch" + UUID.randomUUID();
    private final List<byte[]> parts = new ArrayList<>();

    Multipart file(String name, String filename, String contentType, byte[] bytes) {
      String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
          + filename + "\"\r\n" + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n") + "\r\n";
      parts.add(head.getBytes(StandardCharsets.UTF_8));
      parts.add(bytes);
      parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
      return this;
    }

    Multipart field(String name, String value) {
      String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n";
      parts.add(head.getBytes(StandardCharsets.UTF_8));
      parts.add(value.getBytes(StandardCharsets.UTF_8));
      parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
      return this;
    }

    byte[] bytes() {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      parts.forEach(out::writeBytes);
      out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      return out.toByteArray();
    }

    String contentType() {
      return "multipart/form-data; boundary=" + boundary;
    }
  }

  Response post(String path, Multipart body) {
    return send(request(path).header("Content-Type", body.contentType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())).build());
  }

  Response upload(String path, byte[] image, String contentType) {
    return post(path, new Multipart().file("image", "upload.png", contentType, image));
  }

  /** A request written by hand on a socket: for paths and headers HttpClient would normalise or refuse. */
  static String raw(int port, String requestLine, Map<String, String> headers) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      StringBuilder req = new StringBuilder(requestLine).append("\r\n");
      if (!headers.containsKey("Host")) {
        req.append("Host: 127.0.0.1:").append(port).append("\r\n");
      }
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("Connection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int rawStatus(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }
}
