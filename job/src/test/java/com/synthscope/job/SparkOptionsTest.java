package com.synthscope.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark settings every job command takes (spark-submit's options). */
class SparkOptionsTest {

  @TempDir Path tmp;

  @Test
  void sparkSettingsComeFromThePropertiesFileAndConf() throws Exception {
    Path props =
        Files.writeString(tmp.resolve("p.conf"), "spark.sql.shuffle.partitions 3\nspark.x.a 1\n");
    SparkOptions o = new SparkOptions();
    o.propertiesFile = props;
    o.conf.put("spark.x.a", "2");
    o.master = "local[1]";
    var s = o.settings();
    assertEquals("3", s.get("spark.sql.shuffle.partitions"));
    assertEquals("2", s.get("spark.x.a"), "--conf wins over the file");
    assertEquals("local[1]", s.get("spark.master"));
  }
}
