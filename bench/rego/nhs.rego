# The peer of the NHS baseline's R1, R4 and R5 (policies/nhs-baseline/
# vulnerabilities.cedar and sbom.cedar), written in Rego for the benchmark:
# the same questions asked of the raw CycloneDX SBOM and OpenVEX JSON.
#
# input: {"product": {"version": …}, "sbom": <CycloneDX JSON>, "vex": <OpenVEX JSON>}
# data.kev: the CISA Known Exploited Vulnerabilities catalogue, as published.
package assure.nhs

import rego.v1

components := object.get(input.sbom, "components", [])

spec := [to_number(part) | some part in split(input.sbom.specVersion, ".")]

# R4.1: CycloneDX 1.4 or later.
supported_format if {
	input.sbom.bomFormat == "CycloneDX"
	spec[0] > 1
}

supported_format if {
	input.sbom.bomFormat == "CycloneDX"
	spec[0] == 1
	spec[1] >= 4
}

deny contains {"rule": "R4.1"} if not supported_format

# R4.2: the SBOM lists components.
deny contains {"rule": "R4.2"} if count(components) == 0

# R4.3: the SBOM describes the submitted version.
deny contains {"rule": "R4.3"} if {
	version := input.sbom.metadata.component.version
	version != input.product.version
}

# R5.1: the SBOM names its supplier.
supplier_present if input.sbom.metadata.supplier.name
supplier_present if input.sbom.metadata.manufacturer.name
supplier_present if input.sbom.metadata.component.supplier.name

deny contains {"rule": "R5.1"} if not supplier_present

# R5.2: at least 95% of components have a purl.
with_purl := count([c | some c in components; c.purl])

deny contains {"rule": "R5.2"} if with_purl * 100 < 95 * count(components)

# R5.3: at least 90% of components carry a strong hash.
strong_algorithms := {
	"SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384", "SHA3-512",
	"BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3",
}

strong_hash(c) if {
	some h in c.hashes
	strong_algorithms[upper(h.alg)]
}

strong_hash(c) if {
	some h in c.hashes
	strong_algorithms[h.alg]
}

with_strong_hash := count([c | some c in components; strong_hash(c)])

deny contains {"rule": "R5.3"} if with_strong_hash * 100 < 90 * count(components)

# R5.4: the SBOM has a dependency graph.
dependencies := object.get(input.sbom, "dependencies", [])

deny contains {"rule": "R5.4"} if count(dependencies) == 0

# R5.5: the dependency graph refers only to listed components.
declared := {ref | some c in components; ref := c["bom-ref"]} | {input.sbom.metadata.component["bom-ref"]}

dangling contains ref if {
	some d in dependencies
	some ref in array.concat([d.ref], object.get(d, "dependsOn", []))
	not declared[ref]
}

deny contains {"rule": "R5.5"} if count(dangling) > 0

# R1: a known-exploited vulnerability affecting a listed component is
# neither fixed nor a justified not_affected.
known_exploited := {v.cveID | some v in data.kev.vulnerabilities}

purls := {c.purl | some c in components}

justified(s) if {
	s.status == "not_affected"
	s.justification != ""
}

justified(s) if {
	s.status == "not_affected"
	s.impact_statement != ""
}

deny contains {"rule": "R1", "vulnerability": s.vulnerability.name, "component": sub["@id"]} if {
	some s in input.vex.statements
	known_exploited[s.vulnerability.name]
	some p in s.products
	some sub in p.subcomponents
	purls[sub["@id"]]
	s.status != "fixed"
	not justified(s)
}
