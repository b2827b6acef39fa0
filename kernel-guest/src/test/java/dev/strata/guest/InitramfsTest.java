package dev.strata.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsTest {

  @TempDir Path tmp;

  @Test
  void write_fakeKernel_holdsBusyboxInitConsoleAndModulesInLoadOrder() throws IOException {
    Files.createDirectories(tmp.resolve("boot"));
    Files.writeString(tmp.resolve("boot/vmlinuz-6.1.0-cloud-amd64"), "kernel image");
    Path modules = Files.createDirectories(tmp.resolve("modules/6.1.0-cloud-amd64"));
    StringBuilder dep = new StringBuilder();
    for (String m : Initramfs.MODULES) {
      Path ko = modules.resolve("kernel/" + m + ".ko");
      Files.createDirectories(ko.getParent());
      Files.writeString(ko, "module " + m);
      dep.append("kernel/").append(m).append(".ko:\n");
    }
    Files.writeString(modules.resolve("modules.dep"), dep);
    Path busybox = Files.writeString(tmp.resolve("busybox"), "static busybox");

    Path cpio = tmp.resolve("initramfs.cpio");
    Initramfs.write(cpio, StockKernel.find(tmp.resolve("boot"), tmp.resolve("modules")), busybox);

    Map<String, CpioArchiveEntry> entries = new LinkedHashMap<>();
    Map<String, byte[]> contents = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(cpio); CpioArchiveInputStream archive = new CpioArchiveInputStream(in)) {
      for (CpioArchiveEntry e = archive.getNextCPIOEntry(); e != null; e = archive.getNextCPIOEntry()) {
        entries.put(e.getName(), e);
        contents.put(e.getName(), archive.readAllBytes());
      }
    }
    CpioArchiveEntry init = entries.get("init");
    assertEquals(CpioConstants.C_ISREG | 0755, init.getMode());
    assertTrue(new String(contents.get("init"), StandardCharsets.UTF_8).startsWith("#!/bin/busybox sh\n"));
    assertArrayEquals("static busybox".getBytes(StandardCharsets.UTF_8), contents.get("bin/busybox"));
    CpioArchiveEntry console = entries.get("dev/console");
    assertEquals(CpioConstants.C_ISCHR | 0600, console.getMode());
    assertEquals(5, console.getRemoteDeviceMaj());
    assertEquals(1, console.getRemoteDeviceMin());
    List<String> loaded = new ArrayList<>();
    for (String name : entries.keySet()) {
      if (name.startsWith("modules/")) {
        loaded.add(new String(contents.get(name), StandardCharsets.UTF_8));
      }
    }
    assertEquals(Initramfs.MODULES.stream().map(m -> "module " + m).toList(), loaded,
        "the init script's glob loads modules/NN-* in name order: the dependency order");
  }
}
