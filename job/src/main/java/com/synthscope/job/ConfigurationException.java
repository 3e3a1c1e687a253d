package com.synthscope.job;

/**
 * The user asked for something that cannot work: exit code 2 with a one-line reason, before any
 * task runs.
 */
public class ConfigurationException extends RuntimeException {

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
