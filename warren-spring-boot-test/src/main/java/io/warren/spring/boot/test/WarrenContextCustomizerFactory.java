package io.warren.spring.boot.test;

import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Listed in {@code META-INF/spring.factories}, so Spring's test framework asks it about every test
 * class; it answers only for those annotated with {@link AutoConfigureWarren}. A customizer, not
 * an auto-configuration class, because the properties must be in the environment before any
 * auto-configuration reads them.
 */
public final class WarrenContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(Class<?> testClass,
      List<ContextConfigurationAttributes> configAttributes) {
    AutoConfigureWarren annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
        AutoConfigureWarren.class);
    return annotation == null ? null : new WarrenContextCustomizer(annotation.virtualHost());
  }
}
