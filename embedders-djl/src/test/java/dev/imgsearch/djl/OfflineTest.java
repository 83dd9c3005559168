package dev.imgsearch.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is downloaded: a fresh JVM with an empty DJL cache, no offline setting of its own (the module turns DJL's
 * offline mode on) and no way to download (a proxy that does not exist) starts the PyTorch engine from the native
 * jar on the class path, extracting LibTorch into the empty cache; without the native jar the same JVM fails with a
 * ModelException that names the artifact to add, instead of downloading it.
 */
class OfflineTest {
  @TempDir Path cache;

  @Test
  void thePyTorchEngineStartsFromTheJarsWithoutDownloading() throws Exception {
    Result r = run(classPath(false), cache, TestModels.model("resnet50").resolve("torchscript/model.pt").toString());
    assertThat(r.exitCode).as(r.output).isZero();
    assertThat(r.output).contains("OK 2048 offline=true");
    List<String> extracted;
    try (Stream<Path> files = Files.walk(cache)) {
      extracted = files.map(p -> cache.relativize(p).toString()).collect(Collectors.toList());
    }
    // LibTorch 2.7.1 from pytorch-native-cpu and the JNI library from pytorch-jni, extracted into the empty cache
    assertThat(extracted).anyMatch(p -> p.startsWith("pytorch/2.7.1-") && p.contains("-cpu-")
        && p.endsWith("libtorch_cpu.so"));
    assertThat(extracted).anyMatch(p -> p.endsWith("libdjl_torch.so"));
    assertThat(extracted).noneMatch(p -> p.endsWith(".tmp") || p.contains("download"));
  }

  @Test
  void aMissingNativeLibraryNamesTheArtifactToAdd() throws Exception {
    Result r = run(classPath(true), cache, TestModels.model("resnet50").resolve("torchscript/model.pt").toString());
    assertThat(r.exitCode).as(r.output).isEqualTo(3);
    assertThat(r.output).contains("MODEL-EXCEPTION").contains("pytorch-native-cpu").contains("offline");
    try (Stream<Path> files = Files.walk(cache)) {
      assertThat(files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".so")).count()).isZero();
    }
  }

  @Test
  void djlsOnnxRuntimeEngineAfterAnotherOnnxRuntimeUserSaysWhatToDo() throws Exception {
    Result r = run(classPath(false), cache, "onnx-first",
        TestModels.model("resnet50").resolve("onnx/model.onnx").toString());
    assertThat(r.exitCode).as(r.output).isEqualTo(3);
    assertThat(r.output).contains("MODEL-EXCEPTION").contains("environment first")
        .contains("DjlEngine.ONNX_RUNTIME.start()");
  }

  private static String classPath(boolean withoutNativeJar) {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> !(withoutNativeJar && p.contains("pytorch-native-cpu")))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String classPath, Path cache, String... args) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xss4m", "-cp", classPath,
        "-DDJL_CACHE_DIR=" + cache, "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9",
        "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9", OfflineProbe.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("DJL_CACHE_DIR", cache.toString());
    pb.environment().remove("DJL_OFFLINE");
    pb.environment().remove("PYTORCH_LIBRARY_PATH");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("probe JVM hung: " + output);
    }
    return new Result(p.exitValue(), output);
  }
}
