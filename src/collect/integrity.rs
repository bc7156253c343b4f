//! A cut-off XML answer is not an answer.
//!
//! The query-protocol services (RDS, STS) answer in XML, and the SDK's XML reader
//! takes a body that stops half-way (a connection cut during the transfer) as a
//! complete response with fewer items: a truncated DescribeDBInstances would read
//! as "no instance" instead of a gap. A successful XML body must end with the
//! closing tag of its root element; one that does not is refused once read (the
//! body is only in memory then), and becomes a `MalformedResponse` gap.

use aws_sdk_rds::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_rds::config::{ConfigBag, Intercept, RuntimeComponents};

#[derive(Debug)]
pub(crate) struct CompleteXml;

/// The name of the root element of an XML document, after any declaration.
fn root_element(text: &str) -> Option<&str> {
    let mut rest = text.trim_start();
    while let Some(after) = rest.strip_prefix("<?").or_else(|| rest.strip_prefix("<!")) {
        rest = after.split_once('>')?.1.trim_start();
    }
    let open = rest.strip_prefix('<')?;
    let end = open.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
    Some(&open[..end])
}

/// Whether an XML body is complete: it ends with its root's closing tag (or the
/// root closes itself).
pub(crate) fn is_complete(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let Some(root) = root_element(&text) else {
        return false;
    };
    let trimmed = text.trim_end();
    trimmed.ends_with(&format!("</{root}>"))
        || (trimmed.ends_with("/>")
            && trimmed.matches('<').count() == 1 + text.matches("<?").count())
}

impl Intercept for CompleteXml {
    fn name(&self) -> &'static str {
        "regionready complete XML"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let response = context.response();
        if !response.status().is_success() {
            return Ok(());
        }
        match response.body().bytes() {
            Some(body) if !is_complete(body) => Err(format!(
                "the XML response ends before its root element closes ({} bytes received)",
                body.len()
            )
            .into()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_complete;

    #[test]
    fn truncated_xml_is_told_from_complete_xml() {
        assert!(is_complete(
            b"<?xml version=\"1.0\"?>\n<DescribeDBClustersResponse xmlns=\"x\"><R/></DescribeDBClustersResponse>\n"
        ));
        assert!(is_complete(b"<A><B>1</B></A>"));
        assert!(!is_complete(b"<A><B>1</B>"));
        assert!(!is_complete(
            b"<DescribeDBInstancesResponse><DBInstances><DBInstance>"
        ));
        assert!(!is_complete(b"garbage"));
        assert!(!is_complete(b""));
    }
}
