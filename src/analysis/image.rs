//! Container image references: which private ECR repository an image URI pulls
//! from.
//!
//! A private ECR image is `<account>.dkr.ecr.<region>.amazonaws.com/<repository>`
//! followed by `:<tag>` or `@<digest>` (ECR user guide, "Pulling an image"; the
//! China partition's host ends in `.amazonaws.com.cn`, FIPS endpoints read
//! `dkr.ecr-fips`). Anything else (Docker Hub, ECR Public, another registry) is
//! not a private repository of the estate and is not judged.

/// The private ECR repository an image is pulled from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EcrImage {
    pub account: String,
    pub region: String,
    /// The repository name, with its namespaces (`team/web`).
    pub repository: String,
}

/// The repository of a private ECR image URI; `None` for any other image.
pub fn parse(uri: &str) -> Option<EcrImage> {
    let (host, path) = uri.split_once('/')?;
    let mut labels = host.split('.');
    let account = labels.next()?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if labels.next()? != "dkr" || !matches!(labels.next()?, "ecr" | "ecr-fips") {
        return None;
    }
    let region = labels.next()?;
    let rest: Vec<&str> = labels.collect();
    if region.is_empty() || !(rest == ["amazonaws", "com"] || rest == ["amazonaws", "com", "cn"]) {
        return None;
    }
    // A digest comes after `@`; a tag after the last `:` (a repository name has none).
    let path = path.split_once('@').map_or(path, |(p, _)| p);
    let repository = path.rsplit_once(':').map_or(path, |(p, _)| p);
    if repository.is_empty() {
        return None;
    }
    Some(EcrImage {
        account: account.to_string(),
        region: region.to_string(),
        repository: repository.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(account: &str, region: &str, repository: &str) -> Option<EcrImage> {
        Some(EcrImage {
            account: account.into(),
            region: region.into(),
            repository: repository.into(),
        })
    }

    #[test]
    fn private_ecr_images_name_their_repository() {
        let want = image("111122223333", "us-east-1", "team/web");
        for uri in [
            "111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web",
            "111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web:1.4.2",
            "111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web@sha256:0123abcd",
            "111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web:1.4@sha256:0123abcd",
        ] {
            assert_eq!(parse(uri), want, "{uri}");
        }
        assert_eq!(
            parse("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/web:latest"),
            image("111122223333", "cn-north-1", "web")
        );
        assert_eq!(
            parse("111122223333.dkr.ecr-fips.us-east-1.amazonaws.com/web:1"),
            image("111122223333", "us-east-1", "web")
        );
    }

    #[test]
    fn other_registries_are_not_judged() {
        for uri in [
            "nginx:1.27",
            "docker.io/library/nginx:1.27",
            "public.ecr.aws/nginx/nginx:latest",
            "ghcr.io/org/app:1",
            "1111222233.dkr.ecr.us-east-1.amazonaws.com/web",
            "111122223333.dkr.ecr.us-east-1.example.com/web",
            "111122223333.dkr.ecr.us-east-1.amazonaws.com/",
        ] {
            assert_eq!(parse(uri), None, "{uri}");
        }
    }
}
