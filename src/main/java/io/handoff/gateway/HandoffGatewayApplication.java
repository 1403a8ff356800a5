package io.handoff.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

//CHECKSTYLE:OFF
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class HandoffGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(HandoffGatewayApplication.class, args);
    }
}
//CHECKSTYLE:ON
