package com.synthscope.udfs.detect;

import java.io.Serializable;

/**
 * What the driver learns about a detector before any task: its model ids, its input contract, its
 * calibrated operating point and whether it can tell images outside its domain.
 *
 * @param models {@code id@sha256} of its models, joined by {@code +}
 * @param contract null for detectors without one
 * @param calibration null when the models carry none
 * @param domainCheck true when the models carry a domain summary ({@link DomainCheck})
 */
public record DetectorInfo(
    String models, DetectorContract contract, Calibration calibration, boolean domainCheck)
    implements Serializable {}
