package dev.strata.driver.error;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

class OutOfSpaceTest {

  @Test
  void translate_jdkNoSpaceMessage_throwsFailedPreconditionNamingTheSubject() {
    IOException e = OutOfSpace.translate(new IOException("entry 'x': No space left on device"), "/store", "registering");
    assertInstanceOf(FailedPreconditionException.class, e);
    assertTrue(e.getMessage().contains("/store") && e.getMessage().contains("free space"), e.getMessage());
  }

  @Test
  void translate_quotaExceededFileSystemException_throwsFailedPrecondition() {
    IOException e = OutOfSpace.translate(new FileSystemException("/store/a", null, "Disk quota exceeded"), "/store", "x");
    assertInstanceOf(FailedPreconditionException.class, e);
  }

  @Test
  void translate_posixEdquotAsCause_throwsFailedPrecondition() {
    IOException wrapped = new IOException("copy failed", new PosixException("write", "/store/a", PosixException.EDQUOT));
    assertInstanceOf(FailedPreconditionException.class, OutOfSpace.translate(wrapped, "/store", "x"));
  }

  @Test
  void translate_otherFailures_returnsThemUnchanged() {
    IOException eio = new IOException("Input/output error");
    assertSame(eio, OutOfSpace.translate(eio, "/store", "x"));
    CorruptException corrupt = new CorruptException("t", "no space left on device is what the tar's name says");
    assertSame(corrupt, OutOfSpace.translate(corrupt, "/store", "x"));
  }
}
