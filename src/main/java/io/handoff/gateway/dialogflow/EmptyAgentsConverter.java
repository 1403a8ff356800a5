package io.handoff.gateway.dialogflow;

import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalGenericConverter;
import org.springframework.stereotype.Component;

/**
 * Lets an empty {@code handoff.dialogflow:} or {@code agents:} in YAML (which Spring sees as the empty string) mean
 * "no agents" instead of a start-up failure. Applies only to a blank string bound to the agents map.
 */
@Component
@ConfigurationPropertiesBinding
public class EmptyAgentsConverter implements ConditionalGenericConverter {

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        return Set.of(new ConvertiblePair(String.class, Map.class));
    }

    @Override
    public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
        TypeDescriptor values = targetType.getMapValueTypeDescriptor();
        return values != null && values.getType() == DialogflowProperties.Agent.class;
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        if (source == null || ((String) source).isBlank()) {
            return Map.of();
        }
        throw new IllegalArgumentException("handoff.dialogflow.agents must be a map of agents by name, not '"
                + source + "'");
    }
}
